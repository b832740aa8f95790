fn main() {
    struct Money(i64);
    let _ = sqlwright::raw::sql("SELECT :amount").bind("amount", Money(5));
}

struct Money(i64);

#[allow(dead_code)]
fn amount(conn: &mut sqlwright::Connection) -> Result<Option<i64>, sqlwright::Error> {
    let amount = sqlwright::raw::sql("SELECT :amount")
        .bind("amount", Money(5))
        .scalar(conn)?;
    Ok(amount)
}

fn main() {}

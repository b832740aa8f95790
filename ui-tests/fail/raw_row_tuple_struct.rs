#[derive(sqlwright::RawRow)]
struct Pair(i32, String);

fn main() {}

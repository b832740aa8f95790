// Declarations whose schema `print-schema` must print back (see print_schema_round_trip.rs
// and the integration test reflect::print_schema_round_trip).
sqlwright::table! {
    /// People who buy things.
    пользователь_ (id) {
        #[serial] id -> Int4,
        /// Their name.
        #[unique] имя -> Varchar,
        order -> Nullable<Int4>,
        r#type -> Text,
        #[default = "0"] balance -> Numeric,
        tags -> Array<Text>,
        extra -> Nullable<Jsonb>,
        seen -> Nullable<Timestamptz>,
    }
    #[sql_name = "Order Lines"]
    #[unique(position, qty)]
    #[index(note)]
    order_lines (order_id, position) {
        #[references(пользователь_::id, on_delete = cascade)] order_id -> Int4,
        position -> Int2,
        #[sql_name = "Qty \"x\""] qty -> Int8,
        #[references(пользователь_::id, on_delete = set_null, on_update = restrict)] reviewer -> Nullable<Int4>,
        note -> Nullable<Text>,
        price -> Float8,
        born -> Date,
        flag -> Bool,
        data -> Bytea,
        id -> Uuid,
    }
}

// What enum types accept: a type declared in its own `table!`, labels as names and strings,
// nullable enum columns compared with a plain value and assigned `Some`/`None`, lists, one
// Rust enum mapped to both a declared type and text, and the derives' fields.
use sqlwright::prelude::*;

sqlwright::table! {
    #[sql_name = "ticket state"]
    enum TicketState { open, "in progress", closed }
}

sqlwright::table! {
    tickets (id) {
        id -> Int4,
        state -> TicketState,
        last_state -> Nullable<TicketState>,
        state_text -> Text,
    }
}

#[derive(sqlwright::DbEnum, Debug, Clone, Copy, PartialEq)]
#[sqlwright(sql_type = TicketState, text, rename_all = "kebab-case")]
enum State {
    Open,
    #[sqlwright(rename = "in progress")]
    InProgress,
    Closed,
}

#[derive(sqlwright::Row, sqlwright::Insertable)]
#[sqlwright(table = tickets)]
struct Ticket {
    id: i32,
    state: State,
    last_state: Option<State>,
    state_text: State,
}

#[derive(sqlwright::Changeset)]
#[sqlwright(table = tickets)]
struct TicketChange {
    state: Option<State>,
    last_state: Option<Option<State>>,
}

#[allow(dead_code)]
fn uses(conn: &mut Connection, ticket: &Ticket) -> Result<(), sqlwright::Error> {
    insert_into(tickets::table).values(ticket).execute(conn)?;
    let _: Vec<Ticket> = tickets::table
        .filter(tickets::last_state.eq(State::Closed))
        .filter(tickets::state.in_(vec![State::Open, State::InProgress]))
        .filter(tickets::state_text.ne(State::Closed))
        .select(Ticket::as_select())
        .order_by(tickets::state.desc())
        .load(conn)?;
    let _: Vec<(i32, String, Option<String>, String)> = tickets::table.load(conn)?;
    let _: Vec<(State, Option<State>)> = tickets::table
        .select((tickets::state, tickets::last_state))
        .load_as(conn)?;
    update(tickets::table)
        .set((tickets::state.to(State::Closed), tickets::last_state.to(None::<State>)))
        .execute(conn)?;
    update(tickets::table)
        .filter(tickets::id.eq(1))
        .set(&TicketChange {
            state: None,
            last_state: Some(Some(State::Open)),
        })
        .execute(conn)?;
    Ok(())
}

fn main() {
    assert_eq!(sqlwright::DbEnum::label(&State::InProgress), "in progress");
    assert_eq!(<State as sqlwright::DbEnum>::from_label("closed"), Some(State::Closed));
    let q = tickets::table
        .filter(tickets::state.eq(State::Open))
        .select(tickets::id);
    assert!(q.to_sql().ends_with(r#"= $1::"ticket state""#), "{}", q.to_sql());
}

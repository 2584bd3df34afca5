//! One hand-maintained schema for both backends. Only types that diesel's
//! MultiConnection supports: times are UTC `Timestamp`, money is `BigInt` kuruş.

diesel::table! {
    provinces (id) {
        id -> Integer,
        name -> Text,
    }
}

diesel::table! {
    units (id) {
        id -> Integer,
        province_id -> Integer,
        name -> Text,
        kind -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        active -> Bool,
        is_demo -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Integer,
        role -> Text,
    }
}

diesel::table! {
    user_units (user_id, unit_id) {
        user_id -> Integer,
        unit_id -> Integer,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Integer,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        ip -> Text,
        user_agent -> Text,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email -> Text,
        ip -> Text,
        at -> Timestamp,
        success -> Bool,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        action -> Text,
        target -> Text,
        detail -> Text,
        ip -> Text,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::joinable!(units -> provinces (province_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_units -> users (user_id));
diesel::joinable!(user_units -> units (unit_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(audit_log -> users (actor_id));

diesel::allow_tables_to_appear_in_same_query!(
    provinces,
    units,
    users,
    user_roles,
    user_units,
    sessions,
    login_attempts,
    audit_log,
    settings,
);

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
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    /// One number moved by triggers with every committed change to the
    /// tables the list pages read (one row, id 1).
    data_version (id) {
        id -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    /// Requests per unit and state, kept by triggers; unit 0 is every unit.
    request_counts (unit_id, state) {
        unit_id -> Integer,
        state -> Text,
        n -> BigInt,
        flagged -> BigInt,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    staff (id) {
        id -> Integer,
        tckn -> Text,
        first_name -> Text,
        last_name -> Text,
        sicil_no -> Text,
        title -> Text,
        unit_id -> Integer,
        email -> Text,
        phone -> Text,
        operator -> Text,
        line_type -> Text,
        has_signature -> Bool,
        search_name -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sort_name -> Text,
    }
}

diesel::table! {
    /// SQLite only: the trigram full-text index of `staff.search_name`
    /// (FTS5, kept by triggers), so a name fragment is found without reading
    /// every staff row. PostgreSQL indexes `staff.search_name` itself
    /// (pg_trgm).
    staff_names (rowid) {
        rowid -> Integer,
        search_name -> Text,
    }
}

diesel::table! {
    batches (id) {
        id -> Integer,
        created_at -> Timestamp,
        created_by -> Integer,
    }
}

diesel::table! {
    requests (id) {
        id -> Integer,
        staff_id -> Integer,
        unit_id -> Integer,
        state -> Text,
        reason -> Text,
        note -> Text,
        kvkk_ack -> Bool,
        phone -> Text,
        operator -> Text,
        line_type -> Text,
        created_by -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        version -> Integer,
        batch_id -> Nullable<Integer>,
        form_emailed_at -> Nullable<Timestamp>,
        form_signed_at -> Nullable<Timestamp>,
        docs_way -> Nullable<Text>,
        docs_ref -> Nullable<Text>,
        docs_sent_at -> Nullable<Timestamp>,
        docs_received_at -> Nullable<Timestamp>,
        sms_at -> Nullable<Timestamp>,
        produced_at -> Nullable<Timestamp>,
        certificate_serial -> Nullable<Text>,
        activated_at -> Nullable<Timestamp>,
        valid_until -> Nullable<Timestamp>,
        not_mine_at -> Nullable<Timestamp>,
        flagged -> Bool,
        form_token -> Nullable<Text>,
        payer_exception -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    request_history (id) {
        id -> BigInt,
        request_id -> Integer,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        action -> Text,
        from_state -> Text,
        to_state -> Text,
        note -> Text,
    }
}

diesel::table! {
    imports (id) {
        id -> Integer,
        user_id -> Integer,
        file_name -> Text,
        rows_json -> Text,
        created_at -> Timestamp,
        committed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    kdv_rates (id) {
        id -> Integer,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        rate_bp -> Integer,
        legal_ref -> Text,
    }
}

diesel::table! {
    certificate_fees (id) {
        id -> Integer,
        operator -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        net_kurus -> BigInt,
        years -> Integer,
    }
}

diesel::table! {
    monthly_tariffs (id) {
        id -> Integer,
        operator -> Text,
        line_type -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        list_kurus -> BigInt,
        billed_kurus -> BigInt,
    }
}

diesel::table! {
    fee_accruals (id) {
        id -> Integer,
        request_id -> Integer,
        staff_id -> Integer,
        unit_id -> Integer,
        operator -> Text,
        accrued_on -> Date,
        net_kurus -> BigInt,
        kdv_bp -> Integer,
        kdv_kurus -> BigInt,
        gross_kurus -> BigInt,
        payer -> Text,
        exception_reason -> Nullable<Text>,
        invoice_no -> Nullable<Text>,
        invoice_date -> Nullable<Date>,
        paid_on -> Nullable<Date>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    billing_months (month) {
        month -> Text,
        run_at -> Timestamp,
        run_by -> Nullable<Integer>,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Integer>,
    }
}

diesel::table! {
    billing_lines (id) {
        id -> Integer,
        month -> Text,
        request_id -> Integer,
        staff_id -> Integer,
        unit_id -> Integer,
        operator -> Text,
        line_type -> Text,
        list_kurus -> BigInt,
        billed_kurus -> BigInt,
        started -> Bool,
        stopped -> Bool,
    }
}

diesel::table! {
    contact_changes (id) {
        id -> Integer,
        staff_id -> Integer,
        at -> Timestamp,
        actor_id -> Integer,
        old_phone -> Text,
        new_phone -> Text,
        old_operator -> Text,
        new_operator -> Text,
        old_line_type -> Text,
        new_line_type -> Text,
        old_has_signature -> Bool,
        new_has_signature -> Bool,
        kinds -> Text,
        invalidated_request_id -> Nullable<Integer>,
    }
}

diesel::table! {
    notices (id) {
        id -> Integer,
        user_id -> Integer,
        at -> Timestamp,
        text -> Text,
        link -> Text,
        dedupe_key -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Integer,
        created_at -> Timestamp,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        kind -> Text,
        request_id -> Nullable<Integer>,
        dedupe_key -> Nullable<Text>,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        message_id -> Text,
    }
}

diesel::table! {
    mail_prefs (user_id) {
        user_id -> Integer,
        digest -> Bool,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Integer,
        user_id -> Integer,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    reset_attempts (id) {
        id -> Integer,
        email -> Text,
        ip -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    threads (id) {
        id -> Integer,
        asker_id -> Integer,
        unit_id -> Nullable<Integer>,
        category -> Text,
        subject -> Text,
        request_id -> Nullable<Integer>,
        staff_id -> Nullable<Integer>,
        state -> Text,
        assignee_id -> Nullable<Integer>,
        search_key -> Text,
        message_count -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        form_token -> Nullable<Text>,
    }
}

diesel::table! {
    thread_messages (id) {
        id -> Integer,
        thread_id -> Integer,
        author_id -> Integer,
        from_reviewer -> Bool,
        body -> Text,
        search_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    unit_letter_settings (unit_id) {
        unit_id -> Integer,
        heading -> Text,
        signer_name -> Text,
        signer_title -> Text,
        number_prefix -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    cover_letters (id) {
        id -> Integer,
        unit_id -> Integer,
        year -> Integer,
        seq -> Integer,
        number -> Text,
        letter_date -> Date,
        subject -> Text,
        documents -> Text,
        heading -> Text,
        signer_name -> Text,
        signer_title -> Text,
        created_by -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cover_letter_requests (letter_id, request_id) {
        letter_id -> Integer,
        request_id -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    bill_reconciliations (id) {
        id -> Integer,
        operator -> Text,
        month -> Text,
        file_name -> Text,
        uploaded_by -> Integer,
        uploaded_at -> Timestamp,
        bill_numbers -> BigInt,
        bill_kurus -> BigInt,
        portal_numbers -> BigInt,
        portal_kurus -> BigInt,
        matched -> BigInt,
        extra -> BigInt,
        extra_kurus -> BigInt,
        missing -> BigInt,
        missing_kurus -> BigInt,
        differing -> BigInt,
        difference_kurus -> BigInt,
    }
}

diesel::table! {
    bill_reconciliation_lines (id) {
        id -> Integer,
        reconciliation_id -> Integer,
        kind -> Text,
        phone -> Text,
        bill_kurus -> Nullable<BigInt>,
        portal_kurus -> Nullable<BigInt>,
        request_id -> Nullable<Integer>,
        note -> Text,
    }
}

diesel::joinable!(units -> provinces (province_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_units -> users (user_id));
diesel::joinable!(user_units -> units (unit_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(staff -> units (unit_id));
diesel::joinable!(requests -> staff (staff_id));
diesel::joinable!(requests -> units (unit_id));
diesel::joinable!(requests -> batches (batch_id));
diesel::joinable!(request_history -> requests (request_id));
diesel::joinable!(request_history -> users (actor_id));
diesel::joinable!(imports -> users (user_id));
diesel::joinable!(batches -> users (created_by));
diesel::joinable!(fee_accruals -> requests (request_id));
diesel::joinable!(fee_accruals -> staff (staff_id));
diesel::joinable!(fee_accruals -> units (unit_id));
diesel::joinable!(billing_lines -> units (unit_id));
diesel::joinable!(billing_lines -> staff (staff_id));
diesel::joinable!(contact_changes -> users (actor_id));
diesel::joinable!(notices -> users (user_id));
diesel::joinable!(outbox -> requests (request_id));
diesel::joinable!(mail_prefs -> users (user_id));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(threads -> units (unit_id));
diesel::joinable!(threads -> requests (request_id));
diesel::joinable!(threads -> staff (staff_id));
diesel::joinable!(thread_messages -> threads (thread_id));
diesel::joinable!(thread_messages -> users (author_id));

diesel::joinable!(unit_letter_settings -> units (unit_id));
diesel::joinable!(cover_letters -> units (unit_id));
diesel::joinable!(cover_letters -> users (created_by));
diesel::joinable!(cover_letter_requests -> cover_letters (letter_id));
diesel::joinable!(cover_letter_requests -> requests (request_id));

diesel::joinable!(billing_lines -> requests (request_id));
diesel::joinable!(bill_reconciliations -> users (uploaded_by));
diesel::joinable!(bill_reconciliation_lines -> bill_reconciliations (reconciliation_id));

diesel::allow_tables_to_appear_in_same_query!(
    data_version,
    staff_names,
    provinces,
    units,
    users,
    user_roles,
    user_units,
    sessions,
    login_attempts,
    audit_log,
    request_counts,
    settings,
    staff,
    batches,
    requests,
    request_history,
    imports,
    kdv_rates,
    certificate_fees,
    monthly_tariffs,
    fee_accruals,
    billing_months,
    billing_lines,
    contact_changes,
    notices,
    outbox,
    mail_prefs,
    password_resets,
    reset_attempts,
    threads,
    thread_messages,
    unit_letter_settings,
    cover_letters,
    cover_letter_requests,
    bill_reconciliations,
    bill_reconciliation_lines,
);

// The identity query groups by (session, user): every column of either may
// be selected beside the other's key.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    sessions::id,
    sessions::user_id,
    sessions::created_at,
    sessions::last_seen_at,
    sessions::ip,
    sessions::user_agent,
    users::id,
    users::email,
    users::name,
    users::password_hash,
    users::active,
    users::is_demo,
    users::created_at,
    users::updated_at,
);

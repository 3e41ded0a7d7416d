"""Versioned schema migrations, applied in order on start.

Each migration is a list of SQL statements. Applied versions are recorded in
`schema_migrations`; a migration and its record commit together, so a crash half-way
leaves the database at the previous version. Never edit a migration that has shipped:
add a new one.
"""
import datetime

from .db import transaction

MIGRATIONS = [
    # 1: people, orders, their audit trail, SLA clocks and in-app escalations.
    [
        """CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            password_hash TEXT NOT NULL,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('dispatcher', 'technician', 'supervisor')),
            phone TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL DEFAULT '',
            skills TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE login_failures (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL,
            ip TEXT NOT NULL,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX login_failures_username ON login_failures (username, at)",
        "CREATE INDEX login_failures_ip ON login_failures (ip, at)",
        """CREATE TABLE districts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        )""",
        """CREATE TABLE orders (
            id INTEGER PRIMARY KEY,
            order_no TEXT NOT NULL UNIQUE,
            order_type TEXT NOT NULL,
            access_type TEXT NOT NULL,
            symptom TEXT NOT NULL,
            dialup_error TEXT,
            priority TEXT NOT NULL DEFAULT 'normal',
            state TEXT NOT NULL,
            customer_name TEXT NOT NULL,
            contact_name TEXT NOT NULL DEFAULT '',
            contact_phone TEXT NOT NULL,
            holder_phone TEXT NOT NULL DEFAULT '',
            broadband_account TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL,
            community TEXT NOT NULL DEFAULT '',
            building TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            address_detail TEXT NOT NULL DEFAULT '',
            ont_model TEXT NOT NULL DEFAULT '',
            ont_serial TEXT NOT NULL DEFAULT '',
            olt TEXT NOT NULL DEFAULT '',
            pon_port TEXT NOT NULL DEFAULT '',
            splitter TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            technician_id INTEGER REFERENCES users (id),
            dispatched_at TEXT,
            appointment_start TEXT,
            appointment_end TEXT,
            appointment_made_at TEXT,
            suspended_at TEXT,
            suspended_seconds INTEGER NOT NULL DEFAULT 0,
            resume_state TEXT,
            legacy_expected_date TEXT,
            closure TEXT,
            parent_order_id INTEGER REFERENCES orders (id),
            is_repeat INTEGER NOT NULL DEFAULT 0,
            next_due_at TEXT,
            next_due_policy TEXT,
            breached INTEGER NOT NULL DEFAULT 0,
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        )""",
        "CREATE INDEX orders_state_due ON orders (state, next_due_at)",
        "CREATE INDEX orders_technician_state ON orders (technician_id, state)",
        "CREATE INDEX orders_due ON orders (next_due_at)",
        """CREATE TABLE order_events (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users (id),
            action TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT,
            reason TEXT NOT NULL DEFAULT '',
            details TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX order_events_order ON order_events (order_id, at)",
        """CREATE TABLE sla_policies (
            code TEXT PRIMARY KEY,
            order_types TEXT NOT NULL,
            access_types TEXT NOT NULL,
            start_on TEXT NOT NULL,
            stop_on TEXT NOT NULL,
            rearm_on TEXT NOT NULL DEFAULT '[]',
            kind TEXT NOT NULL CHECK (kind IN ('minutes', 'working_days', 'same_day')),
            amount INTEGER NOT NULL,
            warn_minutes INTEGER NOT NULL,
            escalate_role TEXT NOT NULL,
            escalate_title TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1
        )""",
        """CREATE TABLE order_clocks (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            policy_code TEXT NOT NULL REFERENCES sla_policies (code),
            started_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            warn_at TEXT NOT NULL,
            stopped_at TEXT,
            warned_at TEXT,
            breached_at TEXT,
            UNIQUE (order_id, policy_code)
        )""",
        "CREATE INDEX order_clocks_open_warn ON order_clocks (stopped_at, warned_at, warn_at)",
        "CREATE INDEX order_clocks_open_due ON order_clocks (stopped_at, breached_at, due_at)",
        """CREATE TABLE holidays (
            day TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday'))
        )""",
        """CREATE TABLE notices (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            policy_code TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('warning', 'breach')),
            role TEXT NOT NULL,
            user_id INTEGER REFERENCES users (id),
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            read_at TEXT,
            read_by INTEGER REFERENCES users (id)
        )""",
        "CREATE INDEX notices_role_unread ON notices (role, read_at)",
        """CREATE TABLE order_notes (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            author_id INTEGER REFERENCES users (id),
            at TEXT NOT NULL,
            text TEXT NOT NULL
        )""",
        "CREATE INDEX order_notes_order ON order_notes (order_id, at)",
    ],
    # 2: exactly-once sync with technicians' phones (design/sync-protocol.md): each device's
    # last applied seq and every mutation's answer, a global change log that pull reads with a
    # cursor, reference data, content-addressed blobs with resumable uploads, attachments.
    [
        "ALTER TABLE order_events ADD COLUMN version INTEGER",  # the order's version after the event
        "ALTER TABLE order_notes ADD COLUMN uid TEXT",  # made on the phone, so a replay hits the same key
        "CREATE UNIQUE INDEX order_notes_uid ON order_notes (uid) WHERE uid IS NOT NULL",
        """CREATE TABLE sync_clients (
            client_id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id),
            last_seq INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            seen_at TEXT NOT NULL
        )""",
        """CREATE TABLE mutation_log (
            client_id TEXT NOT NULL REFERENCES sync_clients (client_id),
            seq INTEGER NOT NULL,
            mutation_id TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            args TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('applied', 'rejected', 'conflict')),
            result TEXT NOT NULL,
            occurred_at TEXT,
            received_at TEXT NOT NULL,
            PRIMARY KEY (client_id, seq)
        )""",
        """CREATE TABLE change_log (
            sv INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('order', 'reference')),
            key TEXT NOT NULL
        )""",
        "CREATE INDEX change_log_key ON change_log (kind, key, sv)",
        """CREATE TABLE reference_data (
            id TEXT PRIMARY KEY,
            digest TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
        """CREATE TABLE blobs (
            sha256 TEXT PRIMARY KEY,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            path TEXT NOT NULL,
            uploaded_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE uploads (
            id TEXT PRIMARY KEY,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            content_type TEXT NOT NULL,
            received INTEGER NOT NULL DEFAULT 0,
            user_id INTEGER NOT NULL REFERENCES users (id),
            created_at TEXT NOT NULL,
            error TEXT
        )""",
        "CREATE INDEX uploads_sha ON uploads (sha256, user_id)",
        """CREATE TABLE attachments (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            kind TEXT NOT NULL CHECK (kind IN ('photo', 'signature')),
            sha256 TEXT NOT NULL REFERENCES blobs (sha256),
            caption TEXT NOT NULL DEFAULT '',
            taken_at TEXT,
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX attachments_order ON attachments (order_id)",
        "CREATE INDEX attachments_sha ON attachments (sha256)",
    ] + [
        # Whatever writes an order or something hanging off it, pull hears about it.
        f"""CREATE TRIGGER {table}_{verb.lower()}_changes AFTER {verb} ON {table}
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.{column}); END"""
        for table, column, verbs in (("orders", "id", ("INSERT", "UPDATE")), ("order_events", "order_id", ("INSERT",)),
                                     ("order_notes", "order_id", ("INSERT",)), ("attachments", "order_id", ("INSERT",)))
        for verb in verbs
    ] + [
        f"""CREATE TRIGGER reference_{verb.lower()}_changes AFTER {verb} ON reference_data
            BEGIN INSERT INTO change_log (kind, key) VALUES ('reference', NEW.id); END"""
        for verb in ("INSERT", "UPDATE")
    ],
    # 3: guided fault-finding: each run with its path and playbook version, the back-end tasks
    # and follow-ups its conclusion asks for.
    [
        """CREATE TABLE diagnostic_runs (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            playbook TEXT NOT NULL,
            playbook_version TEXT NOT NULL,
            steps TEXT NOT NULL,
            outcome TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES users (id),
            occurred_at TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX diagnostic_runs_order ON diagnostic_runs (order_id)",
        """CREATE TABLE desk_tasks (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            run_id TEXT REFERENCES diagnostic_runs (id),
            kind TEXT NOT NULL,
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL,
            done_at TEXT,
            done_by INTEGER REFERENCES users (id)
        )""",
        "CREATE INDEX desk_tasks_open ON desk_tasks (done_at, created_at)",
        """CREATE TABLE order_followups (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            run_id TEXT REFERENCES diagnostic_runs (id),
            kind TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX order_followups_order ON order_followups (order_id)",
        """CREATE TRIGGER diagnostic_runs_insert_changes AFTER INSERT ON diagnostic_runs
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
    ],
    # 4: Wi-Fi surveys saved on an order: the networks seen, the customer's own, the
    # recommendation the server worked out from them.
    [
        """CREATE TABLE wifi_surveys (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            source TEXT NOT NULL CHECK (source IN ('typed', 'file', 'scan')),
            format TEXT NOT NULL DEFAULT '',
            country TEXT NOT NULL,
            own_ssid TEXT,
            networks TEXT NOT NULL,
            recommendation TEXT NOT NULL,
            findings TEXT NOT NULL,
            created_by INTEGER REFERENCES users (id),
            occurred_at TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX wifi_surveys_order ON wifi_surveys (order_id)",
        """CREATE TRIGGER wifi_surveys_insert_changes AFTER INSERT ON wifi_surveys
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
    ],
    # 5: customer sign-off (each signed report kept as signed, with its hash), single-use
    # links for the customer's own phone, and the callbacks after an order is returned.
    [
        """CREATE TABLE signoffs (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            version INTEGER NOT NULL,
            channel TEXT NOT NULL CHECK (channel IN ('onsite', 'link')),
            report TEXT NOT NULL,
            report_hash TEXT NOT NULL,
            signature_sha256 TEXT NOT NULL REFERENCES blobs (sha256),
            tester_signature_sha256 TEXT REFERENCES blobs (sha256),
            signer_name TEXT NOT NULL,
            survey TEXT NOT NULL,
            signed_at TEXT NOT NULL,
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL,
            UNIQUE (order_id, version)
        )""",
        """CREATE TABLE signoff_links (
            token_hash TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT,
            signoff_id TEXT REFERENCES signoffs (id)
        )""",
        """CREATE TABLE callbacks (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            due_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('due', 'booked', 'done', 'exempt')),
            exempt_reason TEXT,
            booked_for TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            answers TEXT,
            result TEXT CHECK (result IN ('satisfied', 'basically', 'dissatisfied')),
            cause TEXT,
            followup_order_id INTEGER REFERENCES orders (id),
            done_by INTEGER REFERENCES users (id),
            done_at TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX callbacks_open ON callbacks (status, due_at)",
        "CREATE INDEX callbacks_order ON callbacks (order_id)",
        """CREATE TRIGGER signoffs_insert_changes AFTER INSERT ON signoffs
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
    ],
    # 6: LED checks from panel photos: the reader's answer, what the technician tapped and
    # confirmed, and every correction (the ground truth for the reader's field accuracy).
    [
        """CREATE TABLE led_checks (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            model_id TEXT NOT NULL,
            model_kind TEXT NOT NULL,
            labels TEXT NOT NULL,
            capture TEXT NOT NULL CHECK (capture IN ('photo', 'burst')),
            sha256 TEXT NOT NULL REFERENCES blobs (sha256),
            frames INTEGER NOT NULL,
            seconds REAL,
            thumb_sha256 TEXT REFERENCES blobs (sha256),
            reading TEXT NOT NULL,
            tapped TEXT,
            confirmed TEXT,
            confirmed_at TEXT,
            created_by INTEGER REFERENCES users (id),
            occurred_at TEXT,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX led_checks_order ON led_checks (order_id)",
        """CREATE TABLE led_confirmations (
            id TEXT PRIMARY KEY,
            check_id TEXT NOT NULL REFERENCES led_checks (id),
            states TEXT NOT NULL,
            corrections TEXT NOT NULL,
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL
        )""",
        """CREATE TRIGGER led_checks_insert_changes AFTER INSERT ON led_checks
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
        """CREATE TRIGGER led_checks_update_changes AFTER UPDATE ON led_checks
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
    ],
    # 7: hostile and unlucky phones (issue 13). A device and every id its phone chooses belong
    # to the person who sent them: devices are keyed by (person, client_id), and a mutation_id is
    # unique per person, not across everyone. Each blob remembers every person who uploaded it.
    # People carry a session version (logout and a password change end every session); login
    # failures are counted per name and address together; customer links count failed tries.
    [
        """CREATE TABLE sync_devices (
            user_id INTEGER NOT NULL REFERENCES users (id),
            client_id TEXT NOT NULL,
            last_seq INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (user_id, client_id)
        )""",
        "INSERT INTO sync_devices SELECT user_id, client_id, last_seq, created_at, seen_at FROM sync_clients",
        """CREATE TABLE sync_mutations (
            user_id INTEGER NOT NULL REFERENCES users (id),
            client_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            mutation_id TEXT NOT NULL,
            name TEXT NOT NULL,
            args TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('applied', 'rejected', 'conflict')),
            result TEXT NOT NULL,
            occurred_at TEXT,
            received_at TEXT NOT NULL,
            PRIMARY KEY (user_id, client_id, seq)
        )""",
        """INSERT INTO sync_mutations SELECT c.user_id, m.client_id, m.seq, m.mutation_id, m.name, m.args, m.status,
            m.result, m.occurred_at, m.received_at FROM mutation_log m JOIN sync_clients c ON c.client_id = m.client_id""",
        "DROP TABLE mutation_log",
        "DROP TABLE sync_clients",
        "ALTER TABLE sync_devices RENAME TO sync_clients",
        "ALTER TABLE sync_mutations RENAME TO mutation_log",
        "CREATE INDEX mutation_log_mutation_id ON mutation_log (user_id, mutation_id)",
        """CREATE TABLE blob_owners (
            sha256 TEXT NOT NULL REFERENCES blobs (sha256),
            user_id INTEGER NOT NULL REFERENCES users (id),
            PRIMARY KEY (sha256, user_id)
        )""",
        "INSERT OR IGNORE INTO blob_owners SELECT sha256, uploaded_by FROM blobs WHERE uploaded_by IS NOT NULL",
        "CREATE INDEX uploads_user ON uploads (user_id, created_at)",
        "ALTER TABLE users ADD COLUMN session_version INTEGER NOT NULL DEFAULT 1",
        "CREATE INDEX login_failures_pair ON login_failures (username, ip, at)",
        "ALTER TABLE signoff_links ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE suspension_approvals (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            supervisor_id INTEGER NOT NULL REFERENCES users (id),
            order_version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            used_at TEXT
        )""",
        "CREATE INDEX suspension_approvals_order ON suspension_approvals (order_id, supervisor_id)",
    ],
    # 8: group faults (domain reference §5, §9.3 items 21-24): the registry, the account <-> OLT <-> PON
    # port <-> ONU mapping, orders linked to a fault (intercepted or flagged), the faults' timers and
    # their audit trail. A link or a fault change re-sends the linked orders to the phones.
    [
        """CREATE TABLE group_faults (
            id INTEGER PRIMARY KEY,
            fault_no TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL CHECK (status IN
                ('alarm', 'raised', 'accepted', 'published', 'recovered', 'cancelled', 'expired')),
            source TEXT NOT NULL CHECK (source IN ('desk', 'csv', 'api')),
            alarm_ref TEXT NOT NULL DEFAULT '',
            alarm_class TEXT NOT NULL CHECK (alarm_class IN ('onu', 'line', 'olt')),
            alarm_type TEXT NOT NULL,
            olt TEXT NOT NULL DEFAULT '',
            pon_port TEXT NOT NULL DEFAULT '',
            onu TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL DEFAULT '',
            community TEXT NOT NULL DEFAULT '',
            building TEXT NOT NULL DEFAULT '',
            services TEXT NOT NULL DEFAULT '[]',
            affected_users INTEGER NOT NULL DEFAULT 0,
            affected_source TEXT NOT NULL DEFAULT 'alarm',
            suggested INTEGER NOT NULL DEFAULT 0,
            auto_order INTEGER NOT NULL DEFAULT 0,
            cause TEXT NOT NULL DEFAULT '',
            wording TEXT NOT NULL DEFAULT '',
            announcement TEXT NOT NULL DEFAULT '',
            valid_until TEXT,
            occurred_at TEXT NOT NULL,
            expected_recovery_at TEXT,
            announcer TEXT NOT NULL DEFAULT '',
            announcer_phone TEXT NOT NULL DEFAULT '',
            department TEXT NOT NULL DEFAULT '',
            city TEXT NOT NULL DEFAULT '',
            company_notified_at TEXT,
            company_contact TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES users (id),
            created_at TEXT NOT NULL,
            raised_at TEXT,
            accepted_at TEXT,
            published_at TEXT,
            recovered_at TEXT,
            ended_at TEXT,
            updated_at TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1
        )""",
        "CREATE UNIQUE INDEX group_faults_alarm_ref ON group_faults (source, alarm_ref) WHERE alarm_ref != ''",
        "CREATE INDEX group_faults_network ON group_faults (status, olt, pon_port)",
        "CREATE INDEX group_faults_place ON group_faults (status, district, community)",
        """CREATE TABLE account_map (
            account TEXT PRIMARY KEY,
            olt TEXT NOT NULL,
            pon_port TEXT NOT NULL,
            onu TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL DEFAULT '',
            community TEXT NOT NULL DEFAULT '',
            building TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID""",
        "CREATE INDEX account_map_network ON account_map (olt, pon_port, onu)",
        """CREATE TABLE group_fault_links (
            id INTEGER PRIMARY KEY,
            fault_id INTEGER NOT NULL REFERENCES group_faults (id),
            order_id INTEGER NOT NULL REFERENCES orders (id),
            kind TEXT NOT NULL CHECK (kind IN ('intercepted', 'flagged')),
            matched_on TEXT NOT NULL,
            linked_at TEXT NOT NULL,
            released_at TEXT,
            outcome TEXT CHECK (outcome IN ('closed', 'released', 'unflagged')),
            UNIQUE (fault_id, order_id)
        )""",
        "CREATE INDEX group_fault_links_order ON group_fault_links (order_id, released_at)",
        """CREATE TABLE group_fault_clocks (
            id INTEGER PRIMARY KEY,
            fault_id INTEGER NOT NULL REFERENCES group_faults (id),
            kind TEXT NOT NULL CHECK (kind IN
                ('notify_company', 'follow_up', 'desk_review', 'cancel_interception', 'validity')),
            started_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            stopped_at TEXT,
            breached_at TEXT
        )""",
        "CREATE INDEX group_fault_clocks_running ON group_fault_clocks (stopped_at, due_at)",
        """CREATE TABLE group_fault_events (
            id INTEGER PRIMARY KEY,
            fault_id INTEGER NOT NULL REFERENCES group_faults (id),
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users (id),
            action TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TRIGGER group_fault_links_insert_changes AFTER INSERT ON group_fault_links
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
        """CREATE TRIGGER group_fault_links_update_changes AFTER UPDATE ON group_fault_links
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
        """CREATE TRIGGER group_faults_update_changes AFTER UPDATE OF wording, expected_recovery_at, status,
            announcement ON group_faults
            BEGIN INSERT INTO change_log (kind, key) SELECT 'order', order_id FROM group_fault_links
                WHERE fault_id = NEW.id AND released_at IS NULL; END""",
    ],
    # 9: who ever held each order, kept by triggers, so a pull reads only the changes to the
    # technician's own orders (past and present) instead of every change in the city since its
    # cursor (issue 14: a pull's cost no longer grows with the number of technicians).
    [
        """CREATE TABLE order_holders (
            user_id INTEGER NOT NULL,
            order_id INTEGER NOT NULL,
            PRIMARY KEY (user_id, order_id)
        ) WITHOUT ROWID""",
        """CREATE TRIGGER orders_insert_holder AFTER INSERT ON orders WHEN NEW.technician_id IS NOT NULL
            BEGIN INSERT OR IGNORE INTO order_holders (user_id, order_id) VALUES (NEW.technician_id, NEW.id); END""",
        """CREATE TRIGGER orders_assign_holder AFTER UPDATE OF technician_id ON orders WHEN NEW.technician_id IS NOT NULL
            BEGIN INSERT OR IGNORE INTO order_holders (user_id, order_id) VALUES (NEW.technician_id, NEW.id); END""",
        """INSERT OR IGNORE INTO order_holders (user_id, order_id)
            SELECT technician_id, id FROM orders WHERE technician_id IS NOT NULL""",
        """INSERT OR IGNORE INTO order_holders (user_id, order_id)
            SELECT json_extract(details, '$.technician_id'), order_id FROM order_events
            WHERE action IN ('dispatch', 'reassign') AND json_extract(details, '$.technician_id') IS NOT NULL""",
    ],
    # The dispatcher console at city scale (issue 14): the queue filtered to a district reads its
    # page from one covering index, the technicians' loads come from another, and the console's
    # repeat-complaint figure no longer scans every order ever taken.
    [
        "CREATE INDEX orders_district_state_due ON orders (district, state, next_due_at)",
        # Each technician's load from one covering index (without it, and without ANALYZE
        # statistics, SQLite read every open order's row: 45 ms instead of 25 on a loaded box).
        "CREATE INDEX orders_state_technician ON orders (state, technician_id)",
        "CREATE INDEX orders_repeat_created ON orders (created_at) WHERE is_repeat = 1",
    ],
    # Other systems (issue 19): API clients and their hashed tokens, every call's log line, an
    # order's id in the caller's system (the idempotency key of a create), and webhooks out: one
    # event row per order event, one delivery row per event and subscribed client, delivered in
    # order per (client, order) by the job queue.
    [
        """CREATE TABLE api_clients (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            scopes TEXT NOT NULL,
            all_orders INTEGER NOT NULL DEFAULT 0,
            webhook_url TEXT NOT NULL DEFAULT '',
            webhook_secret TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        )""",
        """CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            client_id INTEGER NOT NULL REFERENCES api_clients (id),
            token_hash TEXT NOT NULL UNIQUE,
            prefix TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT,
            last_used_at TEXT
        )""",
        """CREATE TABLE api_calls (
            id INTEGER PRIMARY KEY,
            client_id INTEGER,
            client_name TEXT NOT NULL,
            method TEXT NOT NULL,
            path TEXT NOT NULL,
            status INTEGER NOT NULL,
            at TEXT NOT NULL,
            duration_ms REAL NOT NULL
        )""",
        "CREATE INDEX api_calls_client ON api_calls (client_id, at)",
        "CREATE INDEX api_calls_at ON api_calls (at)",
        "ALTER TABLE orders ADD COLUMN api_client_id INTEGER REFERENCES api_clients (id)",
        "ALTER TABLE orders ADD COLUMN external_id TEXT",
        "ALTER TABLE orders ADD COLUMN external_request_hash TEXT",
        "CREATE UNIQUE INDEX orders_external_id ON orders (api_client_id, external_id) WHERE external_id IS NOT NULL",
        """CREATE TABLE webhook_events (
            id INTEGER PRIMARY KEY,
            msg_id TEXT NOT NULL UNIQUE,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            type TEXT NOT NULL,
            payload TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE webhook_deliveries (
            id INTEGER PRIMARY KEY,
            event_id INTEGER NOT NULL REFERENCES webhook_events (id),
            client_id INTEGER NOT NULL REFERENCES api_clients (id),
            order_id INTEGER NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_status INTEGER,
            last_error TEXT NOT NULL DEFAULT '',
            delivered_at TEXT,
            UNIQUE (event_id, client_id)
        )""",
        "CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (client_id, order_id, status, event_id)",
        "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
        """CREATE TABLE webhook_attempts (
            id INTEGER PRIMARY KEY,
            delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id),
            at TEXT NOT NULL,
            status INTEGER,
            error TEXT NOT NULL DEFAULT '',
            duration_ms REAL NOT NULL
        )""",
        "CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id)",
        # One job at a time sends a chain; a lease that runs out frees the chain of a killed worker.
        """CREATE TABLE webhook_leases (
            client_id INTEGER NOT NULL,
            order_id INTEGER NOT NULL,
            holder TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            PRIMARY KEY (client_id, order_id)
        ) WITHOUT ROWID""",
    ],
    # The supervisor's administration, KPI facts and notifications (issue 22). People carry their
    # grid and outsourced company; every administrative change is in audit_log (who, when, before, after);
    # classification lists and the device catalog are data the desk edits; each SLA breach is kept as it
    # happened (district, technician and company at that moment) so a past month's report never moves.
    # Notices gain the technician's kinds (a new, reassigned or changed order) and a line of detail.
    [
        "ALTER TABLE users ADD COLUMN grid TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE users ADD COLUMN company TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE users ADD COLUMN deactivated_at TEXT",
        """CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users (id),
            entity TEXT NOT NULL,
            entity_key TEXT NOT NULL,
            action TEXT NOT NULL,
            before TEXT,
            after TEXT
        )""",
        "CREATE INDEX audit_log_entity ON audit_log (entity, entity_key, at)",
        "CREATE INDEX audit_log_at ON audit_log (at)",
        """CREATE TABLE classifications (
            id INTEGER PRIMARY KEY,
            list TEXT NOT NULL,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            UNIQUE (list, code)
        )""",
        """CREATE TABLE devices (
            id INTEGER PRIMARY KEY,
            model TEXT NOT NULL UNIQUE COLLATE NOCASE,
            vendor TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL CHECK (kind IN ('ont', 'router', 'switch', 'transceiver', 'other')),
            access_types TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1
        )""",
        """CREATE TABLE sla_breaches (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            policy_code TEXT NOT NULL,
            due_at TEXT NOT NULL,
            breached_at TEXT NOT NULL,
            district TEXT NOT NULL DEFAULT '',
            technician_id INTEGER REFERENCES users (id),
            company TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX sla_breaches_at ON sla_breaches (breached_at)",
        """CREATE TABLE notices_new (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            policy_code TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('warning', 'breach', 'assigned', 'reassigned', 'changed')),
            role TEXT NOT NULL,
            user_id INTEGER REFERENCES users (id),
            title TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            read_at TEXT,
            read_by INTEGER REFERENCES users (id),
            detail TEXT NOT NULL DEFAULT '',
            pushed_at TEXT
        )""",
        """INSERT INTO notices_new (id, order_id, policy_code, kind, role, user_id, title, created_at, read_at, read_by)
            SELECT id, order_id, policy_code, kind, role, user_id, title, created_at, read_at, read_by FROM notices""",
        "DROP TABLE notices",
        "ALTER TABLE notices_new RENAME TO notices",
        "CREATE INDEX notices_role_unread ON notices (role, read_at)",
        "CREATE INDEX notices_user ON notices (user_id, created_at)",
        "CREATE INDEX notices_unpushed ON notices (pushed_at, created_at) WHERE user_id IS NOT NULL",
        """CREATE TABLE push_subscriptions (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users (id),
            endpoint TEXT NOT NULL UNIQUE,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            created_at TEXT NOT NULL,
            last_sent_at TEXT,
            last_error TEXT
        )""",
        """CREATE TABLE digests (
            day TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            body TEXT NOT NULL
        )""",
    ],
    # A technician's notices ride on every sync pull (webapp/sla/notices.py): read by person and time.
    [
        "CREATE INDEX IF NOT EXISTS notices_user_created ON notices (user_id, created_at)",
    ],
    # The complaint desk (issue 21, domain reference §6.4, §6.8): each complaint order's classification and
    # slow-speed reply, as the desk last saved them (every save is also in the order's audit trail).
    [
        """CREATE TABLE complaint_records (
            order_id INTEGER PRIMARY KEY REFERENCES orders (id),
            classification TEXT,
            slow_speed_reply TEXT,
            updated_by INTEGER REFERENCES users (id),
            updated_at TEXT NOT NULL
        )""",
    ],
    # The fault classification list of the closure reply, configured by the operator (§6.4, §9.2 item 15: the
    # seed's 宽带故障分类.xls is absent), seeded with the codes the fault-finding guides already use.
    [
        """CREATE TABLE fault_classifications (
            code TEXT PRIMARY KEY,
            name_zh TEXT NOT NULL,
            name_en TEXT NOT NULL,
            position INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1
        )""",
        """INSERT INTO fault_classifications (code, name_zh, name_en, position) VALUES
            ('drop_cable', '皮线/光纤', 'Drop cable / fibre', 10), ('ont', '光猫(ONT)', 'ONT / modem', 20),
            ('router', '客户路由器', 'Customer router', 30), ('account', '账号或认证', 'Account or authentication', 40),
            ('network', '网络侧', 'Network side', 50), ('customer', '客户侧', 'Customer side', 60),
            ('group_fault', '群障', 'Group fault', 70), ('other', '其他', 'Other', 80)""",
    ],
    # Orders the desk finishes (issue 21 item 4): a cancelled duplicate points at the order it repeats.
    [
        "ALTER TABLE orders ADD COLUMN duplicate_of_id INTEGER REFERENCES orders (id)",
    ],
    # Repeat orders (issue 21 item 8, §9.2 item 19): a new order at the same account or address within the
    # repeat window points at the earlier one; indexes so finding it stays cheap with a city's history.
    [
        "ALTER TABLE orders ADD COLUMN repeat_of_id INTEGER REFERENCES orders (id)",
        "CREATE INDEX orders_account_created ON orders (broadband_account, created_at) WHERE broadband_account != ''",
        "CREATE INDEX orders_address_created ON orders (district, community, building, unit, created_at)",
    ],
    # Installation orders (issue 21 item 9; §7.3 step 5, §7.4): the required completion time and every extension
    # request, with when it was filed, so the timeouts can be counted as the Dongli rules count them.
    [
        "ALTER TABLE orders ADD COLUMN due_at TEXT",
        """CREATE TABLE installation_extensions (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            requested_at TEXT NOT NULL,
            previous_due_at TEXT NOT NULL,
            new_due_at TEXT NOT NULL,
            cause TEXT NOT NULL CHECK (cause IN ('customer', 'other')),
            reason TEXT NOT NULL,
            requested_by INTEGER REFERENCES users (id)
        )""",
        "CREATE INDEX installation_extensions_order ON installation_extensions (order_id, requested_at)",
    ],
    # The equipment an installation left on site (issue 21 item 10): the ONT with the LOID or SN it registered
    # with, and the router, found again by account or address when a repair order comes.
    [
        """CREATE TABLE installed_equipment (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL UNIQUE REFERENCES orders (id),
            broadband_account TEXT NOT NULL DEFAULT '',
            district TEXT NOT NULL DEFAULT '',
            community TEXT NOT NULL DEFAULT '',
            building TEXT NOT NULL DEFAULT '',
            unit TEXT NOT NULL DEFAULT '',
            ont_model TEXT NOT NULL DEFAULT '',
            ont_serial TEXT NOT NULL,
            loid TEXT NOT NULL DEFAULT '',
            registration_sn TEXT NOT NULL DEFAULT '',
            router_model TEXT NOT NULL DEFAULT '',
            router_serial TEXT NOT NULL DEFAULT '',
            recorded_by INTEGER REFERENCES users (id),
            recorded_at TEXT NOT NULL
        )""",
        "CREATE INDEX installed_equipment_account ON installed_equipment (broadband_account, recorded_at)",
        "CREATE INDEX installed_equipment_address ON installed_equipment (district, community, building, unit, recorded_at)",
    ],
    # Enterprise lines (issue 21 item 11; §7.4, §7.6, §9.5 item 28): the customer's grade, the line's scope, the
    # service, the circuit id and the service level, which names a row of the per-customer / per-service SLA
    # table (seeded with the Dongli duty limits); the 2-working-day fault report.
    [
        "ALTER TABLE orders ADD COLUMN customer_grade TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE orders ADD COLUMN line_scope TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE orders ADD COLUMN enterprise_service TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE orders ADD COLUMN circuit_id TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE orders ADD COLUMN service_level TEXT NOT NULL DEFAULT ''",
        """CREATE TABLE enterprise_sla (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            customer TEXT NOT NULL DEFAULT '',
            service TEXT NOT NULL DEFAULT '',
            sign_minutes INTEGER NOT NULL,
            contact_minutes INTEGER NOT NULL,
            progress_minutes INTEGER NOT NULL,
            escalate_director_minutes INTEGER NOT NULL,
            escalate_vp_minutes INTEGER NOT NULL,
            report_working_days INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT ''
        )""",
        """INSERT INTO enterprise_sla VALUES ('dongli', '东丽分公司集团客户响应中心', '', '', 10, 15, 30, 120, 180, 2,
            '001_0f71c2c57f075d23.txt: sign within 5-10 min; contact result within 15 min of dispatch; progress every 30 min;
 escalate at 120 min (centre director) and 180 min (O&M VP); fault report within 2 working days')""",
        """CREATE TABLE enterprise_fault_reports (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            cause TEXT NOT NULL,
            process TEXT NOT NULL,
            participants TEXT NOT NULL,
            filed_by INTEGER REFERENCES users (id),
            filed_at TEXT NOT NULL
        )""",
        "CREATE INDEX orders_enterprise_service ON orders (enterprise_service, created_at) WHERE enterprise_service != ''",
    ],
    # Follow-ups someone owns (issue 21 item 5; §6.2 #6, §9.2 item 18): a dissatisfied callback's follow-up has
    # an owner, a due time and a done state with what was done.
    [
        "ALTER TABLE order_followups ADD COLUMN owner_id INTEGER REFERENCES users (id)",
        "ALTER TABLE order_followups ADD COLUMN due_at TEXT",
        "ALTER TABLE order_followups ADD COLUMN done_at TEXT",
        "ALTER TABLE order_followups ADD COLUMN done_by INTEGER REFERENCES users (id)",
        "ALTER TABLE order_followups ADD COLUMN outcome TEXT NOT NULL DEFAULT ''",
        "CREATE INDEX order_followups_owner_open ON order_followups (owner_id, done_at, due_at)",
    ],
    # An enterprise fault's participants and its loop-test log (issue 21 item 12; §7.4 #8, §9.2 item 14, §9.5 item 29).
    [
        """CREATE TABLE enterprise_participants (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            role TEXT NOT NULL CHECK (role IN ('duty', 'outsourced', 'helper', 'leader', 'customer')),
            name TEXT NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            added_by INTEGER REFERENCES users (id),
            added_at TEXT NOT NULL
        )""",
        "CREATE INDEX enterprise_participants_order ON enterprise_participants (order_id)",
        """CREATE TABLE enterprise_loop_tests (
            id INTEGER PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            loop_point TEXT NOT NULL,
            result TEXT NOT NULL CHECK (result IN ('passed', 'failed')),
            tested_at TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            added_by INTEGER REFERENCES users (id),
            added_at TEXT NOT NULL
        )""",
        "CREATE INDEX enterprise_loop_tests_order ON enterprise_loop_tests (order_id, tested_at)",
    ],
    # Participants and loop tests added on the phone (issue 21 item 12, phone part): the phone's UUID for each row, so a
    # replayed order.add_participant / order.add_loop_test finds the row it made (design/sync-protocol.md principle 2).
    [
        "ALTER TABLE enterprise_participants ADD COLUMN uid TEXT",
        "CREATE UNIQUE INDEX enterprise_participants_uid ON enterprise_participants (uid) WHERE uid IS NOT NULL",
        "ALTER TABLE enterprise_loop_tests ADD COLUMN uid TEXT",
        "CREATE UNIQUE INDEX enterprise_loop_tests_uid ON enterprise_loop_tests (uid) WHERE uid IS NOT NULL",
    ],
    # The tool checklist at the start of a visit (§9.6 item 33) and captures on slow-speed runs (§9.1 item 6),
    # issue 21 item 6. Both reach the phone's briefcase through the change log.
    [
        """CREATE TABLE tool_checks (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            carried TEXT NOT NULL,
            missing TEXT NOT NULL,
            note TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES users (id),
            occurred_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX tool_checks_order ON tool_checks (order_id, occurred_at)",
        """CREATE TABLE run_captures (
            id TEXT PRIMARY KEY,
            order_id INTEGER NOT NULL REFERENCES orders (id),
            run_id TEXT NOT NULL REFERENCES diagnostic_runs (id),
            sha256 TEXT NOT NULL REFERENCES blobs (sha256),
            file_name TEXT NOT NULL,
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL,
            caption TEXT NOT NULL DEFAULT '',
            created_by INTEGER REFERENCES users (id),
            occurred_at TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX run_captures_order ON run_captures (order_id)",
        "CREATE INDEX run_captures_sha ON run_captures (sha256)",
        """CREATE TRIGGER tool_checks_insert_changes AFTER INSERT ON tool_checks
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
        """CREATE TRIGGER run_captures_insert_changes AFTER INSERT ON run_captures
            BEGIN INSERT INTO change_log (kind, key) VALUES ('order', NEW.order_id); END""",
    ],
    [
        # A clock keeps the amount and warning it started with: an edited policy or a saved holiday calendar
        # must not recompute a running clock with the new amount (the admin page promises "from now on").
        "ALTER TABLE order_clocks ADD COLUMN amount INTEGER",
        "ALTER TABLE order_clocks ADD COLUMN warn_minutes INTEGER",
        """UPDATE order_clocks SET amount = (SELECT amount FROM sla_policies p WHERE p.code = policy_code),
            warn_minutes = (SELECT warn_minutes FROM sla_policies p WHERE p.code = policy_code)
            WHERE stopped_at IS NULL""",
    ],
    # Review r21: policies already seeded in a database keep their old rows (seed_policies inserts only new
    # codes). The Dongli enterprise fault clocks watch fault orders only (001_0f71c2c57f075d23.txt); the
    # installation circuit warning is set from the due date, 10 working days before it (003 line 311).
    [
        "UPDATE sla_policies SET order_types = '[\"repair\", \"complaint\"]' WHERE code IN ('enterprise_sign',"
        " 'enterprise_contact', 'enterprise_progress', 'enterprise_escalation_120', 'enterprise_escalation_180',"
        " 'enterprise_fault_report')",
        "UPDATE sla_policies SET start_on = '[]', rearm_on = '[]', escalate_role = '' WHERE code = 'installation_progress'",
    ],
    # An enterprise line's end-to-end test report travels with the customer's own-phone link (issue 21 field fault):
    # the customer sees what was tested before signing, and the signed report carries it (JSON, NULL otherwise).
    [
        "ALTER TABLE signoff_links ADD COLUMN test_report TEXT",
    ],
    # The dispatcher console under load (issue 14: 48-71 ms of server CPU per load at 20,000 open orders).
    # Each technician's load (orders held in an active state, webapp/orders/lifecycle.py ACTIVE_STATES) is kept
    # by trigger instead of counted over every open order at each load; the attention queue's unassigned part
    # is read (and sorted) from one covering index, and its provisioning-warning part from the running
    # installation clocks whose warning has started (webapp/dispatch/queue.py).
    [
        """CREATE TABLE technician_loads (
            technician_id INTEGER PRIMARY KEY REFERENCES users (id),
            load INTEGER NOT NULL
        )""",
        """INSERT INTO technician_loads (technician_id, load)
            SELECT technician_id, COUNT(*) FROM orders
            WHERE technician_id IS NOT NULL AND state IN ('dispatched', 'accepted', 'appointed', 'en_route', 'on_site', 'suspended', 'restored') GROUP BY technician_id""",
        """CREATE TRIGGER orders_insert_load AFTER INSERT ON orders
            WHEN NEW.technician_id IS NOT NULL AND NEW.state IN ('dispatched', 'accepted', 'appointed', 'en_route', 'on_site', 'suspended', 'restored')
            BEGIN INSERT INTO technician_loads (technician_id, load) VALUES (NEW.technician_id, 1)
                ON CONFLICT (technician_id) DO UPDATE SET load = load + 1; END""",
        """CREATE TRIGGER orders_update_load AFTER UPDATE OF state, technician_id ON orders
            WHEN OLD.technician_id IS NOT NEW.technician_id
                OR (OLD.state IN ('dispatched', 'accepted', 'appointed', 'en_route', 'on_site', 'suspended', 'restored')) != (NEW.state IN ('dispatched', 'accepted', 'appointed', 'en_route', 'on_site', 'suspended', 'restored'))
            BEGIN
                UPDATE technician_loads SET load = load - 1
                    WHERE technician_id = OLD.technician_id AND OLD.state IN ('dispatched', 'accepted', 'appointed', 'en_route', 'on_site', 'suspended', 'restored');
                INSERT INTO technician_loads (technician_id, load)
                    SELECT NEW.technician_id, 1 WHERE NEW.technician_id IS NOT NULL AND NEW.state IN ('dispatched', 'accepted', 'appointed', 'en_route', 'on_site', 'suspended', 'restored')
                    ON CONFLICT (technician_id) DO UPDATE SET load = load + 1;
            END""",
        """CREATE TRIGGER orders_delete_load AFTER DELETE ON orders
            WHEN OLD.technician_id IS NOT NULL AND OLD.state IN ('dispatched', 'accepted', 'appointed', 'en_route', 'on_site', 'suspended', 'restored')
            BEGIN UPDATE technician_loads SET load = load - 1 WHERE technician_id = OLD.technician_id; END""",
        "CREATE INDEX orders_state_priority_due ON orders (state, priority, next_due_at)",
        "CREATE INDEX order_clocks_policy_open_warn ON order_clocks (policy_code, stopped_at, warn_at)",
    ],
    # The circuit warning (电路预警, §7.3 step 5) watches enterprise circuits only: a home FTTH/FTTB installation
    # armed one before this and showed it on the order page, the console, the phone and in the notices. Its clock
    # and the notices it raised go (they were never true), and the order's next deadline is taken again from the
    # clocks left (what engine.refresh_next_due would store).
    [
        "UPDATE sla_policies SET access_types = '[\"enterprise\"]' WHERE code = 'installation_progress'",
        """DELETE FROM order_clocks WHERE policy_code = 'installation_progress'
            AND order_id IN (SELECT id FROM orders WHERE access_type != 'enterprise')""",
        """DELETE FROM notices WHERE policy_code = 'installation_progress'
            AND order_id IN (SELECT id FROM orders WHERE access_type != 'enterprise')""",
        """UPDATE orders SET
            next_due_at = (SELECT c.due_at FROM order_clocks c WHERE c.order_id = orders.id AND c.stopped_at IS NULL
                           ORDER BY c.due_at LIMIT 1),
            next_due_policy = (SELECT c.policy_code FROM order_clocks c WHERE c.order_id = orders.id AND c.stopped_at IS NULL
                               ORDER BY c.due_at LIMIT 1)
            WHERE next_due_policy = 'installation_progress' AND access_type != 'enterprise'""",
    ],
    # An LED reading's attempts (issue 18 item 8), counted before each reading starts: a photo that breaks the
    # reader, a blob file that cannot be read or a worker killed half-way ends after a bounded number of attempts
    # with a final "not_read" reading (webapp/led/checks.py), instead of being queued again every minute forever.
    # Kept apart from led_checks, whose every update is logged for sync: a counter there would send every phone a
    # change at each attempt.
    [
        """CREATE TABLE led_read_attempts (
            check_id TEXT PRIMARY KEY REFERENCES led_checks (id),
            attempts INTEGER NOT NULL,
            last_at TEXT NOT NULL
        )""",
    ],
    # Who confirmed an LED check's lights (review r6): the check's current word names its confirming person, and
    # each confirmation keeps the time of the tap as well as the time it arrived. Earlier checks: the latest
    # confirmation's author, else (taps on every light saved with the photo) the check's own technician.
    [
        "ALTER TABLE led_checks ADD COLUMN confirmed_by INTEGER REFERENCES users (id)",
        "ALTER TABLE led_confirmations ADD COLUMN confirmed_at TEXT",
        """UPDATE led_checks SET confirmed_by = COALESCE(
            (SELECT f.created_by FROM led_confirmations f WHERE f.check_id = led_checks.id ORDER BY f.rowid DESC LIMIT 1),
            created_by) WHERE confirmed IS NOT NULL""",
    ],
    # When each LED check was taken (review r7): the time recorded for it (the phone's, when plausible, else the
    # push's receipt), so checks are listed in the order they were taken, not by receipt time and random id (two
    # checks synced in one push came back in UUID order, and the phone's fault tree takes the last). Ties keep the
    # push's order (rowid).
    # Earlier checks: the time of their led_check event, else their receipt.
    [
        "ALTER TABLE led_checks ADD COLUMN taken_at TEXT",
        """UPDATE led_checks SET taken_at = COALESCE(
            (SELECT e.at FROM order_events e WHERE e.order_id = led_checks.order_id AND e.action = 'led_check'
             AND json_extract(e.details, '$.check_id') = led_checks.id ORDER BY e.id LIMIT 1), created_at)""",
    ],
    # The header of the JPEG an LED check's photo was picked as, before the phone re-encoded it (checks.source_jpeg):
    # its colour's coarseness, which the re-encoded copy's own tables no longer say (reader._coarse_chroma).
    [
        "ALTER TABLE led_checks ADD COLUMN source_jpeg TEXT",
    ],
]


def current_version(db):
    """Return the highest applied migration version (0 for a new database)."""
    db.conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)"
    )
    row = db.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return row[0] or 0


def migrate(db):
    """Apply every migration newer than the database; return the versions applied."""
    applied = []
    current_version(db)
    for version, statements in enumerate(MIGRATIONS, start=1):
        with transaction(db):
            # Re-read inside the write lock: another process may have migrated meanwhile.
            done = db.conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = ?", [version]
            ).fetchone()
            if done:
                continue
            for statement in statements:
                db.conn.execute(statement)
            db.conn.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                [version, datetime.datetime.now(datetime.timezone.utc).isoformat()],
            )
        applied.append(version)
    return applied

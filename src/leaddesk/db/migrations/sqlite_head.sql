-- revision: 0016
-- Written by `python -m leaddesk.db.snapshot` from the Alembic revisions; do not edit.

CREATE TABLE alembic_version (
	version_num VARCHAR(32) NOT NULL, 
	CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE accounts (
	id INTEGER NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	settings JSON NOT NULL, 
	secret_ref VARCHAR(255), 
	enabled BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_accounts PRIMARY KEY (id), 
	CONSTRAINT ck_accounts_kind CHECK (kind IN ('imap', 'smtp', 'api', 'file')), 
	CONSTRAINT uq_accounts_name UNIQUE (name)
);
CREATE TABLE audit_events (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(120) NOT NULL, 
	action VARCHAR(64) NOT NULL, 
	entity VARCHAR(32) NOT NULL, 
	entity_id INTEGER, 
	"before" JSON, 
	"after" JSON, 
	CONSTRAINT pk_audit_events PRIMARY KEY (id)
);
CREATE TABLE contacts (
	id INTEGER NOT NULL, 
	email VARCHAR(320), 
	name VARCHAR(255), 
	phone VARCHAR(64), 
	company VARCHAR(255), 
	first_seen_at DATETIME, 
	last_seen_at DATETIME, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_contacts PRIMARY KEY (id), 
	CONSTRAINT uq_contacts_email UNIQUE (email)
);
CREATE TABLE posts (
	id INTEGER NOT NULL, 
	url VARCHAR(2048) NOT NULL, 
	title TEXT, 
	excerpt TEXT, 
	published_at DATETIME, 
	author VARCHAR(255), 
	categories JSON NOT NULL, 
	tags JSON NOT NULL, 
	fetched_at DATETIME, 
	etag VARCHAR(255), 
	last_modified VARCHAR(64), 
	fetch_error TEXT, kind VARCHAR(16), source VARCHAR(16), wp_id INTEGER, slug VARCHAR(255), modified_at DATETIME, attempts INTEGER DEFAULT '0' NOT NULL, next_fetch_at DATETIME, 
	CONSTRAINT pk_posts PRIMARY KEY (id), 
	CONSTRAINT uq_posts_url UNIQUE (url)
);
CREATE TABLE tags (
	id INTEGER NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	colour VARCHAR(7) NOT NULL, 
	CONSTRAINT pk_tags PRIMARY KEY (id), 
	CONSTRAINT uq_tags_name UNIQUE (name)
);
CREATE TABLE team_members (
	id INTEGER NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	email VARCHAR(320), 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, away BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_team_members PRIMARY KEY (id), 
	CONSTRAINT uq_team_members_name UNIQUE (name)
);
CREATE TABLE tombstones (
	digest VARCHAR(64) NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	erased_at DATETIME NOT NULL, 
	CONSTRAINT pk_tombstones PRIMARY KEY (digest)
);
CREATE TABLE contact_aliases (
	email VARCHAR(320) NOT NULL, 
	contact_id INTEGER NOT NULL, 
	CONSTRAINT pk_contact_aliases PRIMARY KEY (email), 
	CONSTRAINT fk_contact_aliases_contact_id_contacts FOREIGN KEY(contact_id) REFERENCES contacts (id) ON DELETE CASCADE
);
CREATE TABLE submissions (
	id INTEGER NOT NULL, 
	account_id INTEGER, 
	source_key VARCHAR(512) NOT NULL, 
	message_id VARCHAR(998), 
	content_hash VARCHAR(64), 
	raw BLOB, 
	received_at DATETIME NOT NULL, 
	submitted_at DATETIME, 
	subject TEXT, 
	body_text TEXT, 
	body_html TEXT, 
	fields JSON NOT NULL, 
	visitor_name VARCHAR(255), 
	visitor_email VARCHAR(320), 
	visitor_phone VARCHAR(64), 
	visitor_company VARCHAR(255), 
	contact_id INTEGER, 
	topic VARCHAR(255), 
	page_url VARCHAR(2048), 
	post_id INTEGER, 
	post_snapshot JSON, 
	status VARCHAR(16) NOT NULL, 
	spam_reason TEXT, 
	assignee_id INTEGER, 
	version INTEGER NOT NULL, 
	problems JSON NOT NULL, 
	is_submission BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, topic_source VARCHAR(16), parser_version INTEGER DEFAULT '1' NOT NULL, not_submission_reason TEXT, edited_fields JSON, status_set_by VARCHAR(120), verdict_by VARCHAR(120), unread BOOLEAN DEFAULT 0 NOT NULL, message_count INTEGER DEFAULT '1' NOT NULL, last_inbound_at DATETIME, last_outbound_at DATETIME, first_answered_at DATETIME, 
	CONSTRAINT pk_submissions PRIMARY KEY (id), 
	CONSTRAINT ck_submissions_status CHECK (status IN ('new', 'open', 'waiting', 'done', 'spam')), 
	CONSTRAINT fk_submissions_account_id_accounts FOREIGN KEY(account_id) REFERENCES accounts (id) ON DELETE SET NULL, 
	CONSTRAINT fk_submissions_assignee_id_team_members FOREIGN KEY(assignee_id) REFERENCES team_members (id) ON DELETE SET NULL, 
	CONSTRAINT fk_submissions_contact_id_contacts FOREIGN KEY(contact_id) REFERENCES contacts (id) ON DELETE SET NULL, 
	CONSTRAINT fk_submissions_post_id_posts FOREIGN KEY(post_id) REFERENCES posts (id) ON DELETE SET NULL, 
	CONSTRAINT uq_submissions_source_key UNIQUE (source_key)
);
CREATE TABLE sync_states (
	id INTEGER NOT NULL, 
	account_id INTEGER NOT NULL, 
	folder VARCHAR(255) NOT NULL, 
	uidvalidity BIGINT, 
	last_uid BIGINT, 
	cursor TEXT, 
	synced_at DATETIME, 
	CONSTRAINT pk_sync_states PRIMARY KEY (id), 
	CONSTRAINT fk_sync_states_account_id_accounts FOREIGN KEY(account_id) REFERENCES accounts (id) ON DELETE CASCADE, 
	CONSTRAINT uq_sync_states_account_id_folder UNIQUE (account_id, folder)
);
CREATE TABLE notes (
	id INTEGER NOT NULL, 
	submission_id INTEGER NOT NULL, 
	author VARCHAR(120) NOT NULL, 
	body TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_notes PRIMARY KEY (id), 
	CONSTRAINT fk_notes_submission_id_submissions FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE CASCADE
);
CREATE TABLE replies (
	id INTEGER NOT NULL, 
	submission_id INTEGER NOT NULL, 
	account_id INTEGER, 
	author VARCHAR(120) NOT NULL, 
	message_id VARCHAR(998), 
	to_addrs TEXT NOT NULL, 
	cc_addrs TEXT, 
	subject TEXT NOT NULL, 
	body TEXT NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	error TEXT, 
	sent_at DATETIME, 
	created_at DATETIME NOT NULL, in_reply_to VARCHAR(998), "references" TEXT, raw BLOB, copied_to_sent_at DATETIME, updated_at DATETIME, 
	CONSTRAINT pk_replies PRIMARY KEY (id), 
	CONSTRAINT ck_replies_state CHECK (state IN ('draft', 'sent', 'failed')), 
	CONSTRAINT fk_replies_account_id_accounts FOREIGN KEY(account_id) REFERENCES accounts (id) ON DELETE SET NULL, 
	CONSTRAINT fk_replies_submission_id_submissions FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE CASCADE
);
CREATE TABLE submission_tags (
	submission_id INTEGER NOT NULL, 
	tag_id INTEGER NOT NULL, 
	CONSTRAINT pk_submission_tags PRIMARY KEY (submission_id, tag_id), 
	CONSTRAINT fk_submission_tags_submission_id_submissions FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE CASCADE, 
	CONSTRAINT fk_submission_tags_tag_id_tags FOREIGN KEY(tag_id) REFERENCES tags (id) ON DELETE CASCADE
);
CREATE VIRTUAL TABLE submissions_fts USING fts5(
        name, email, company, subject, message, topic, post_title,
        tokenize = 'unicode61 remove_diacritics 2');
CREATE TABLE reply_templates (
	id INTEGER NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	subject TEXT, 
	body TEXT NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_reply_templates PRIMARY KEY (id), 
	CONSTRAINT uq_reply_templates_name UNIQUE (name)
);
CREATE TABLE sites (
	id INTEGER NOT NULL, 
	origin VARCHAR(255) NOT NULL, 
	name VARCHAR(255), 
	fetch_base VARCHAR(255), 
	added_at DATETIME NOT NULL, 
	CONSTRAINT pk_sites PRIMARY KEY (id), 
	CONSTRAINT uq_sites_origin UNIQUE (origin)
);
CREATE TABLE topic_mappings (
	id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	term VARCHAR(255) NOT NULL, 
	topic VARCHAR(255) NOT NULL, 
	CONSTRAINT pk_topic_mappings PRIMARY KEY (id), 
	CONSTRAINT ck_topic_mappings_kind CHECK (kind IN ('category', 'tag')), 
	CONSTRAINT uq_topic_mappings_kind_term UNIQUE (kind, term)
);
CREATE TABLE presence (
	submission_id INTEGER NOT NULL, 
	client_id VARCHAR(64) NOT NULL, 
	member VARCHAR(120) NOT NULL, 
	expires_at DATETIME NOT NULL, 
	CONSTRAINT pk_presence PRIMARY KEY (submission_id, client_id), 
	CONSTRAINT fk_presence_submission_id_submissions FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE CASCADE
);
CREATE TABLE label_mappings (
	id INTEGER NOT NULL, 
	form VARCHAR(320) DEFAULT '' NOT NULL, 
	label VARCHAR(255) NOT NULL, 
	label_key VARCHAR(255) NOT NULL, 
	field VARCHAR(32) NOT NULL, 
	created_by VARCHAR(120) NOT NULL, 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_label_mappings PRIMARY KEY (id), 
	CONSTRAINT uq_label_mappings_form_label_key UNIQUE (form, label_key)
);
CREATE TABLE messages (
	id INTEGER NOT NULL, 
	submission_id INTEGER NOT NULL, 
	direction VARCHAR(3) NOT NULL, 
	from_name VARCHAR(255), 
	from_addr VARCHAR(320), 
	to_addrs TEXT, 
	cc_addrs TEXT, 
	sent_at DATETIME NOT NULL, 
	subject TEXT, 
	body_text TEXT NOT NULL, 
	message_id VARCHAR(998), 
	in_reply_to VARCHAR(998), 
	"references" TEXT, 
	raw BLOB, 
	account_id INTEGER, 
	source_key VARCHAR(512), 
	reply_id INTEGER, 
	author VARCHAR(120), 
	created_at DATETIME NOT NULL, 
	CONSTRAINT pk_messages PRIMARY KEY (id), 
	CONSTRAINT ck_messages_direction CHECK (direction IN ('in', 'out')), 
	CONSTRAINT fk_messages_account_id_accounts FOREIGN KEY(account_id) REFERENCES accounts (id) ON DELETE SET NULL, 
	CONSTRAINT fk_messages_reply_id_replies FOREIGN KEY(reply_id) REFERENCES replies (id) ON DELETE SET NULL, 
	CONSTRAINT fk_messages_submission_id_submissions FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE CASCADE, 
	CONSTRAINT uq_messages_source_key UNIQUE (source_key), 
	CONSTRAINT uq_messages_submission_id_message_id UNIQUE (submission_id, message_id)
);
CREATE TABLE facet_counts (
	is_submission BOOLEAN NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	topic VARCHAR(255), 
	assignee_id INTEGER, 
	n INTEGER NOT NULL
);
CREATE TABLE tag_facet_counts (
	tag_id INTEGER NOT NULL, 
	is_submission BOOLEAN NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	n INTEGER NOT NULL
);
CREATE TABLE rules (
	id INTEGER NOT NULL, 
	name VARCHAR(120) NOT NULL, 
	position INTEGER NOT NULL, 
	enabled BOOLEAN NOT NULL, 
	stop BOOLEAN NOT NULL, 
	conditions JSON NOT NULL, 
	actions JSON NOT NULL, 
	created_by VARCHAR(120) NOT NULL, 
	created_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_rules PRIMARY KEY (id), 
	CONSTRAINT uq_rules_name UNIQUE (name)
);
CREATE TABLE rule_counters (
	rule_id INTEGER NOT NULL, 
	member VARCHAR(120) NOT NULL, 
	assigned INTEGER NOT NULL, 
	CONSTRAINT pk_rule_counters PRIMARY KEY (rule_id, member), 
	CONSTRAINT fk_rule_counters_rule_id_rules FOREIGN KEY(rule_id) REFERENCES rules (id) ON DELETE CASCADE
);
CREATE TABLE rule_acknowledgements (
	id INTEGER NOT NULL, 
	contact VARCHAR(320) NOT NULL, 
	day VARCHAR(10) NOT NULL, 
	submission_id INTEGER, 
	rule VARCHAR(120) NOT NULL, 
	template VARCHAR(120) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	reply_id INTEGER, 
	error TEXT, 
	created_at DATETIME NOT NULL, 
	sent_at DATETIME, 
	CONSTRAINT pk_rule_acknowledgements PRIMARY KEY (id), 
	CONSTRAINT ck_rule_acknowledgements_state CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped')), 
	CONSTRAINT fk_rule_acknowledgements_submission_id_submissions FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE SET NULL, 
	CONSTRAINT uq_rule_acknowledgements_contact_day UNIQUE (contact, day)
);
CREATE TABLE rule_options (
	"key" VARCHAR(64) NOT NULL, 
	value TEXT NOT NULL, 
	CONSTRAINT pk_rule_options PRIMARY KEY ("key")
);
CREATE TABLE team_settings (
	"key" VARCHAR(64) NOT NULL, 
	value JSON NOT NULL, 
	updated_by VARCHAR(120), 
	updated_at DATETIME NOT NULL, 
	CONSTRAINT pk_team_settings PRIMARY KEY ("key")
);
CREATE TABLE suggest_examples (
	submission_id INTEGER NOT NULL, 
	features JSON NOT NULL, 
	topic VARCHAR(255), 
	owner VARCHAR(120), 
	tags JSON NOT NULL, 
	CONSTRAINT pk_suggest_examples PRIMARY KEY (submission_id), 
	CONSTRAINT fk_suggest_examples_submission_id_submissions FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE CASCADE
);
CREATE TABLE suggest_feedback (
	id INTEGER NOT NULL, 
	submission_id INTEGER NOT NULL, 
	target VARCHAR(16) NOT NULL, 
	value VARCHAR(255) NOT NULL, 
	verdict VARCHAR(8) NOT NULL, 
	confidence INTEGER, 
	actor VARCHAR(120) NOT NULL, 
	at DATETIME NOT NULL, 
	features JSON NOT NULL, 
	counted BOOLEAN DEFAULT 0 NOT NULL, 
	CONSTRAINT pk_suggest_feedback PRIMARY KEY (id), 
	CONSTRAINT ck_suggest_feedback_target CHECK (target IN ('topic', 'tags', 'owner')), 
	CONSTRAINT ck_suggest_feedback_verdict CHECK (verdict IN ('accept', 'reject')), 
	CONSTRAINT fk_suggest_feedback_submission_id_submissions FOREIGN KEY(submission_id) REFERENCES submissions (id) ON DELETE CASCADE
);
CREATE TABLE suggest_state (
	id INTEGER NOT NULL, 
	revision INTEGER NOT NULL, 
	audit_id INTEGER NOT NULL, 
	examples INTEGER NOT NULL, 
	model BLOB, 
	trained_at DATETIME, 
	CONSTRAINT pk_suggest_state PRIMARY KEY (id)
);
CREATE TABLE tag_facet_counts_paused (
	writer VARCHAR(64) NOT NULL
);
CREATE INDEX ix_audit_events_entity ON audit_events (entity, entity_id);
CREATE INDEX ix_contact_aliases_contact_id ON contact_aliases (contact_id);
CREATE INDEX ix_submissions_account_id ON submissions (account_id);
CREATE INDEX ix_submissions_assignee_received ON submissions (assignee_id, received_at, id, is_submission, status, topic);
CREATE INDEX ix_submissions_content_hash ON submissions (content_hash);
CREATE INDEX ix_submissions_facets ON submissions (is_submission, status, topic, assignee_id);
CREATE INDEX ix_submissions_message_id ON submissions (message_id);
CREATE INDEX ix_submissions_received ON submissions (received_at, id, is_submission, status, topic);
CREATE INDEX ix_submissions_status_received ON submissions (status, received_at, id, is_submission, topic);
CREATE INDEX ix_submissions_topic_received ON submissions (topic, received_at, id, is_submission, status);
CREATE INDEX ix_notes_submission_id ON notes (submission_id);
CREATE INDEX ix_replies_submission_id ON replies (submission_id);
CREATE INDEX ix_submission_tags_tag_id ON submission_tags (tag_id);
CREATE INDEX ix_presence_expires_at ON presence (expires_at);
CREATE INDEX ix_posts_next_fetch_at ON posts (next_fetch_at);
CREATE INDEX ix_submissions_parser_version ON submissions (parser_version);
CREATE INDEX ix_messages_message_id ON messages (message_id);
CREATE INDEX ix_messages_submission_sent ON messages (submission_id, sent_at);
CREATE INDEX ix_facet_counts_group ON facet_counts (status, topic, assignee_id);
CREATE INDEX ix_tag_facet_counts_group ON tag_facet_counts (tag_id, status);
CREATE INDEX ix_rule_acknowledgements_submission_id ON rule_acknowledgements (submission_id);
CREATE INDEX ix_suggest_feedback_submission_id ON suggest_feedback (submission_id);
CREATE INDEX ix_submissions_contact_received ON submissions (contact_id, received_at);
CREATE INDEX ix_submissions_needs_reply ON submissions (is_submission, status, topic, assignee_id, received_at, last_inbound_at, last_outbound_at) WHERE last_outbound_at IS NULL OR last_inbound_at > last_outbound_at;
CREATE INDEX ix_submissions_unanswered ON submissions (is_submission, status, topic, assignee_id, received_at, first_answered_at) WHERE first_answered_at IS NULL;
CREATE INDEX ix_submissions_post_leads ON submissions (post_id, is_submission);
CREATE INDEX ix_submissions_name ON submissions (visitor_name, id, is_submission, status, topic, assignee_id);
CREATE TRIGGER submissions_fts_ai AFTER INSERT ON submissions BEGIN
        INSERT INTO submissions_fts(rowid, name, email, company, subject, message, topic, post_title)
        VALUES (new.id, new.visitor_name, new.visitor_email, new.visitor_company, new.subject, new.body_text,
    new.topic, (SELECT title FROM posts WHERE id = new.post_id));
    END;
CREATE TRIGGER submissions_fts_ad AFTER DELETE ON submissions BEGIN
        DELETE FROM submissions_fts WHERE rowid = old.id;
    END;
CREATE TRIGGER submissions_fts_au AFTER UPDATE OF visitor_name, visitor_email, visitor_company, subject, body_text, topic, post_id ON submissions BEGIN
        DELETE FROM submissions_fts WHERE rowid = old.id;
        INSERT INTO submissions_fts(rowid, name, email, company, subject, message, topic, post_title)
        VALUES (new.id, new.visitor_name, new.visitor_email, new.visitor_company, new.subject, new.body_text,
    new.topic, (SELECT title FROM posts WHERE id = new.post_id));
    END;
CREATE TRIGGER posts_fts_au AFTER UPDATE OF title ON posts BEGIN
        UPDATE submissions SET post_id = post_id WHERE post_id = new.id;
    END;
CREATE TRIGGER facet_counts_ai AFTER INSERT ON submissions BEGIN
        
        INSERT INTO facet_counts (is_submission, status, topic, assignee_id, n)
        SELECT new.is_submission, new.status, new.topic, new.assignee_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM facet_counts WHERE is_submission = new.is_submission AND status = new.status AND topic IS new.topic AND assignee_id IS new.assignee_id);
        UPDATE facet_counts SET n = n + (1) WHERE rowid =
            (SELECT rowid FROM facet_counts WHERE is_submission = new.is_submission AND status = new.status AND topic IS new.topic AND assignee_id IS new.assignee_id LIMIT 1);
    END;
CREATE TRIGGER facet_counts_ad AFTER DELETE ON submissions BEGIN
        
        INSERT INTO facet_counts (is_submission, status, topic, assignee_id, n)
        SELECT old.is_submission, old.status, old.topic, old.assignee_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM facet_counts WHERE is_submission = old.is_submission AND status = old.status AND topic IS old.topic AND assignee_id IS old.assignee_id);
        UPDATE facet_counts SET n = n + (-1) WHERE rowid =
            (SELECT rowid FROM facet_counts WHERE is_submission = old.is_submission AND status = old.status AND topic IS old.topic AND assignee_id IS old.assignee_id LIMIT 1);
    END;
CREATE TRIGGER facet_counts_au AFTER UPDATE OF is_submission, status, topic, assignee_id ON submissions
    WHEN old.is_submission IS NOT new.is_submission OR old.status IS NOT new.status
        OR old.topic IS NOT new.topic OR old.assignee_id IS NOT new.assignee_id BEGIN
        
        INSERT INTO facet_counts (is_submission, status, topic, assignee_id, n)
        SELECT old.is_submission, old.status, old.topic, old.assignee_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM facet_counts WHERE is_submission = old.is_submission AND status = old.status AND topic IS old.topic AND assignee_id IS old.assignee_id);
        UPDATE facet_counts SET n = n + (-1) WHERE rowid =
            (SELECT rowid FROM facet_counts WHERE is_submission = old.is_submission AND status = old.status AND topic IS old.topic AND assignee_id IS old.assignee_id LIMIT 1);
        
        INSERT INTO facet_counts (is_submission, status, topic, assignee_id, n)
        SELECT new.is_submission, new.status, new.topic, new.assignee_id, 0
        WHERE NOT EXISTS (SELECT 1 FROM facet_counts WHERE is_submission = new.is_submission AND status = new.status AND topic IS new.topic AND assignee_id IS new.assignee_id);
        UPDATE facet_counts SET n = n + (1) WHERE rowid =
            (SELECT rowid FROM facet_counts WHERE is_submission = new.is_submission AND status = new.status AND topic IS new.topic AND assignee_id IS new.assignee_id LIMIT 1);
    END;
CREATE TRIGGER tag_facet_counts_bd BEFORE DELETE ON submissions BEGIN
        
        INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
        SELECT l.tag_id, old.is_submission, old.status, 0 FROM (SELECT tag_id FROM submission_tags WHERE submission_id = old.id) AS l
        WHERE NOT EXISTS (SELECT 1 FROM tag_facet_counts WHERE tag_id = l.tag_id AND is_submission = old.is_submission AND status = old.status);
        UPDATE tag_facet_counts SET n = n + (-1) * (
            SELECT count(*) FROM (SELECT tag_id FROM submission_tags WHERE submission_id = old.id) AS l WHERE l.tag_id = tag_facet_counts.tag_id)
        WHERE rowid IN (SELECT min(t.rowid) FROM tag_facet_counts AS t JOIN (SELECT tag_id FROM submission_tags WHERE submission_id = old.id) AS l
                        ON t.tag_id = l.tag_id AND t.is_submission = old.is_submission
                        AND t.status = old.status GROUP BY t.tag_id);
    END;
CREATE TRIGGER tag_facet_counts_au AFTER UPDATE OF is_submission, status ON submissions
    WHEN old.is_submission IS NOT new.is_submission OR old.status IS NOT new.status BEGIN
        
        INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
        SELECT l.tag_id, old.is_submission, old.status, 0 FROM (SELECT tag_id FROM submission_tags WHERE submission_id = old.id) AS l
        WHERE NOT EXISTS (SELECT 1 FROM tag_facet_counts WHERE tag_id = l.tag_id AND is_submission = old.is_submission AND status = old.status);
        UPDATE tag_facet_counts SET n = n + (-1) * (
            SELECT count(*) FROM (SELECT tag_id FROM submission_tags WHERE submission_id = old.id) AS l WHERE l.tag_id = tag_facet_counts.tag_id)
        WHERE rowid IN (SELECT min(t.rowid) FROM tag_facet_counts AS t JOIN (SELECT tag_id FROM submission_tags WHERE submission_id = old.id) AS l
                        ON t.tag_id = l.tag_id AND t.is_submission = old.is_submission
                        AND t.status = old.status GROUP BY t.tag_id);
        
        INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
        SELECT l.tag_id, new.is_submission, new.status, 0 FROM (SELECT tag_id FROM submission_tags WHERE submission_id = new.id) AS l
        WHERE NOT EXISTS (SELECT 1 FROM tag_facet_counts WHERE tag_id = l.tag_id AND is_submission = new.is_submission AND status = new.status);
        UPDATE tag_facet_counts SET n = n + (1) * (
            SELECT count(*) FROM (SELECT tag_id FROM submission_tags WHERE submission_id = new.id) AS l WHERE l.tag_id = tag_facet_counts.tag_id)
        WHERE rowid IN (SELECT min(t.rowid) FROM tag_facet_counts AS t JOIN (SELECT tag_id FROM submission_tags WHERE submission_id = new.id) AS l
                        ON t.tag_id = l.tag_id AND t.is_submission = new.is_submission
                        AND t.status = new.status GROUP BY t.tag_id);
    END;
CREATE TRIGGER tag_facet_counts_link_ad AFTER DELETE ON submission_tags BEGIN
        
        INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
        SELECT l.tag_id, (SELECT is_submission FROM submissions WHERE id = old.submission_id), (SELECT status FROM submissions WHERE id = old.submission_id), 0 FROM (SELECT old.tag_id AS tag_id FROM submissions WHERE id = old.submission_id) AS l
        WHERE NOT EXISTS (SELECT 1 FROM tag_facet_counts WHERE tag_id = l.tag_id AND is_submission = (SELECT is_submission FROM submissions WHERE id = old.submission_id) AND status = (SELECT status FROM submissions WHERE id = old.submission_id));
        UPDATE tag_facet_counts SET n = n + (-1) * (
            SELECT count(*) FROM (SELECT old.tag_id AS tag_id FROM submissions WHERE id = old.submission_id) AS l WHERE l.tag_id = tag_facet_counts.tag_id)
        WHERE rowid IN (SELECT min(t.rowid) FROM tag_facet_counts AS t JOIN (SELECT old.tag_id AS tag_id FROM submissions WHERE id = old.submission_id) AS l
                        ON t.tag_id = l.tag_id AND t.is_submission = (SELECT is_submission FROM submissions WHERE id = old.submission_id)
                        AND t.status = (SELECT status FROM submissions WHERE id = old.submission_id) GROUP BY t.tag_id);
    END;
CREATE TRIGGER tag_facet_counts_link_ai AFTER INSERT ON submission_tags
    WHEN NOT EXISTS (SELECT 1 FROM tag_facet_counts_paused) BEGIN
        INSERT INTO tag_facet_counts (tag_id, is_submission, status, n)
        SELECT new.tag_id, s.is_submission, s.status, 0 FROM submissions AS s
        WHERE s.id = new.submission_id AND NOT EXISTS (
            SELECT 1 FROM tag_facet_counts AS t WHERE t.tag_id = new.tag_id
            AND t.is_submission = s.is_submission AND t.status = s.status);
        UPDATE tag_facet_counts SET n = n + 1 WHERE rowid = (
            SELECT min(t.rowid) FROM tag_facet_counts AS t JOIN submissions AS s
            ON s.id = new.submission_id AND t.tag_id = new.tag_id
            AND t.is_submission = s.is_submission AND t.status = s.status);
    END;
INSERT INTO "alembic_version" VALUES ('0016');

CREATE TABLE "deletion_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"run_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"rule" text NOT NULL,
	"table_name" text NOT NULL,
	"action" text NOT NULL,
	"row_count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gdpr_erasures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"account_id" uuid NOT NULL,
	"pseudonym" text NOT NULL,
	"requested_by" uuid,
	"request_id" text,
	"erased_at" timestamp with time zone DEFAULT now() NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "gdpr_erasures_account_key" UNIQUE("account_id")
);
--> statement-breakpoint
CREATE TABLE "hard_delete_lease" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"holder" uuid,
	"leased_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "retention_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"kind" text NOT NULL,
	"retention_days" integer NOT NULL,
	"minimum_days" integer DEFAULT 1 NOT NULL,
	"description" text NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "retention_policies_kind_key" UNIQUE("kind"),
	CONSTRAINT "retention_policies_days" CHECK ("retention_policies"."retention_days" >= "retention_policies"."minimum_days" AND "retention_policies"."minimum_days" >= 1)
);
--> statement-breakpoint
CREATE TRIGGER retention_policies_set_updated_at BEFORE UPDATE ON "retention_policies" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER gdpr_erasures_set_updated_at BEFORE UPDATE ON "gdpr_erasures" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER hard_delete_lease_set_updated_at BEFORE UPDATE ON "hard_delete_lease" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER deletion_log_set_updated_at BEFORE UPDATE ON "deletion_log" FOR EACH ROW EXECUTE FUNCTION iris_set_updated_at();--> statement-breakpoint
CREATE TRIGGER deletion_log_append_only BEFORE UPDATE OR DELETE ON "deletion_log" FOR EACH ROW EXECUTE FUNCTION iris_reject_change();--> statement-breakpoint
CREATE TRIGGER deletion_log_no_truncate BEFORE TRUNCATE ON "deletion_log" FOR EACH STATEMENT EXECUTE FUNCTION iris_reject_change();--> statement-breakpoint
-- The audit trail stays append-only, except that the hard-delete run (which sets iris.retention_purge in its
-- transaction) may delete rows past the audit retention; never an UPDATE, never a younger row.
CREATE OR REPLACE FUNCTION iris_audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('iris.retention_purge', true) = 'on'
     AND OLD.created_at < now() - make_interval(days => (SELECT retention_days FROM retention_policies WHERE kind = 'audit_log'))
  THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
DROP TRIGGER audit_log_append_only ON "audit_log";--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION iris_audit_log_guard();--> statement-breakpoint
INSERT INTO "hard_delete_lease" ("holder") VALUES (NULL);--> statement-breakpoint
INSERT INTO "retention_policies" ("kind", "retention_days", "minimum_days", "description") VALUES
  ('audit_log', 365, 30, 'Audit and access logs (audit_log, notification deliveries): deleted this many days after they were written'),
  ('financial_records', 2557, 2557, 'Financial records (orders with their lines and history, invoices, supplier invoices, payments, refunds): deleted this many days after the end of their calendar year, once finished (bokföringslagen: 7 years)'),
  ('soft_deleted', 30, 1, 'Soft-deleted records of other kinds: hard-deleted this many days after deletion; soft-deleted accounts are erased (pseudonymised) instead');

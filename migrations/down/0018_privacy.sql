DROP TRIGGER audit_log_append_only ON "audit_log";--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON "audit_log" FOR EACH ROW EXECUTE FUNCTION iris_reject_change();--> statement-breakpoint
DROP FUNCTION iris_audit_log_guard();--> statement-breakpoint
DROP TABLE "retention_policies";--> statement-breakpoint
DROP TABLE "hard_delete_lease";--> statement-breakpoint
DROP TABLE "gdpr_erasures";--> statement-breakpoint
DROP TABLE "deletion_log";

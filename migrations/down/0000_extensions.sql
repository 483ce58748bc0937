DROP FUNCTION IF EXISTS iris_reject_change();
--> statement-breakpoint
DROP FUNCTION IF EXISTS iris_set_updated_at();
--> statement-breakpoint
DROP EXTENSION IF EXISTS pgcrypto;
--> statement-breakpoint
DROP EXTENSION IF EXISTS pg_trgm;
--> statement-breakpoint
DROP EXTENSION IF EXISTS citext;

DROP TABLE IF EXISTS "credit_note_lines";
--> statement-breakpoint
DROP TABLE IF EXISTS "credit_notes";

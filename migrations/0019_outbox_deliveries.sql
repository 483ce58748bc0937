CREATE TABLE "outbox_deliveries" (
	"event_id" uuid NOT NULL,
	"job_name" text NOT NULL,
	"status" text DEFAULT 'handed_off' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"handed_off_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_expires_at" timestamp with time zone NOT NULL,
	"redeliveries" integer DEFAULT 0 NOT NULL,
	"settled_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "outbox_deliveries_pkey" PRIMARY KEY("event_id","job_name"),
	CONSTRAINT "outbox_deliveries_status_known" CHECK ("outbox_deliveries"."status" IN ('handed_off', 'completed', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "outbox_deliveries" ADD CONSTRAINT "outbox_deliveries_event_id_outbox_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."outbox_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_deliveries_lease_idx" ON "outbox_deliveries" USING btree ("lease_expires_at") WHERE "outbox_deliveries"."status" = 'handed_off';--> statement-breakpoint
CREATE INDEX "outbox_deliveries_settled_idx" ON "outbox_deliveries" USING btree ("settled_at") WHERE "outbox_deliveries"."status" = 'completed';

CREATE INDEX "supplier_invoices_file_key_idx" ON "supplier_invoices" USING btree ("file_key");

DROP INDEX "supplier_invoices_file_key_idx";

-- Portal invoice pull now feeds supplier-invoice intake (spec §11, §12): the interim document store goes.
-- Its PDFs are not carried over: the next pull fetches them again from the portal into supplier_invoices.
DROP TABLE "connector_invoice_documents";

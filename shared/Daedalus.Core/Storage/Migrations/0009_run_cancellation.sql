-- Run cancellation (forward-only, additive).

-- Set when an operator asked to cancel the run (who: the audited actor). A queued run is cancelled at once; a running
-- pull sees the request at its next batch boundary and stops there, keeping the cursor of the last batch it enqueued
-- (those batches still load). Status 'cancelled' is final, like 'succeeded', 'partial' and 'failed'.
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS cancel_requested_at timestamptz;
ALTER TABLE daedalus.runs ADD COLUMN IF NOT EXISTS cancel_requested_by text;

-- The trace of the handling that queued a notification (W3C trace context), so that its sending, later and
-- outside any request, is part of the order's trace rather than a trace of its own.
ALTER TABLE notifications.notifications ADD COLUMN traceparent text, ADD COLUMN tracestate text;

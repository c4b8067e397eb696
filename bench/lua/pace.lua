-- Appended for the soak only (defining delay() at all adds a timer per request in wrk).
function delay()
  return pace_ms
end

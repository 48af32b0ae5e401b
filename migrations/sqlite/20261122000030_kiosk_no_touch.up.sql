-- kiosks.last_submit_us was written on every kiosk submission only to lock the kiosk's row; the burst rule now
-- serialises a kiosk's submissions with an advisory lock (PostgreSQL) or the write lock (SQLite), so nothing
-- writes the kiosk row on the hot path.
ALTER TABLE kiosks DROP COLUMN last_submit_us;

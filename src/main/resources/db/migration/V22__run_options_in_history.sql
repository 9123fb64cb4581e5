-- The history shows every option of a run and whether it was split at all. Runs stored before have nulls here:
-- their history rows show the size strategy and getitem rule only.
alter table runs add column splitting_ops text;
alter table runs add column merge_consecutive_splits boolean;
alter table runs add column merge_empty_allocations boolean;
alter table runs add column not_split boolean;

-- Runs made together by "compare strategies": the same upload under every option set.
alter table runs add column compare_group varchar(36);
create index runs_compare_group on runs (compare_group);

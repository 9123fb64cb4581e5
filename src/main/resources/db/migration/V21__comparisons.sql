-- One comparison of option sets per graph (the upload, its format, which graph of it) and splitting ops, so
-- comparing again finds the group instead of making its runs again. group_id is the runs' compare_group.
create table comparison (
    group_id   varchar(36)              not null primary key,
    graph_key  varchar(64)              not null unique,
    created_at timestamp with time zone not null
);

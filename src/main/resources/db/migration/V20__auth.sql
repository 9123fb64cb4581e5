-- Users (browser login, BCrypt password hashes) and API tokens (SHA-256 of a random token: the token itself is
-- shown once and never stored). Roles: viewer, uploader, admin. See src/docs/operations.md.

create table app_user (
    username      varchar(100)             not null primary key,
    password_hash varchar(100)             not null,
    role          varchar(16)              not null,
    created_at    timestamp with time zone not null
);

create table api_token (
    id         varchar(36)              not null primary key,
    name       varchar(200)             not null,
    token_hash varchar(64)              not null unique,
    role       varchar(16)              not null,
    created_by varchar(100),
    created_at timestamp with time zone not null
);

-- The health check writes here to prove the database takes writes (one row, updated in place).
create table health_probe (
    id         integer                  not null primary key,
    checked_at timestamp with time zone not null
);

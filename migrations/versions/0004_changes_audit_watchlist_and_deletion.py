"""recent changes, patrol, audit log, watchlist, renames and soft deletion

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The audit log is append-only: the database itself refuses to change or remove a row.
SQLITE_AUDIT_TRIGGERS = [
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
]
POSTGRES_AUDIT_TRIGGERS = [
    "CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()",
]


def upgrade() -> None:
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table("changes",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("type", sa.String(length=20), nullable=False),
    sa.Column("recipe_id", sa.Integer(), nullable=True),
    sa.Column("revision_id", sa.Integer(), nullable=True),
    sa.Column("user_id", sa.Integer(), nullable=True),
    sa.Column("target_user_id", sa.Integer(), nullable=True),
    sa.Column("summary", sa.String(length=500), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_changes_recipe_id_recipes")),
    sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], name=op.f("fk_changes_revision_id_revisions")),
    sa.ForeignKeyConstraint(["target_user_id"], ["users.id"], name=op.f("fk_changes_target_user_id_users")),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_changes_user_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_changes"))
    )
    with op.batch_alter_table("changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_changes_recipe_id"), ["recipe_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_changes_type"), ["type"], unique=False)
        batch_op.create_index(batch_op.f("ix_changes_user_id"), ["user_id"], unique=False)

    op.create_table("change_patrols",
    sa.Column("change_id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["change_id"], ["changes.id"], name=op.f("fk_change_patrols_change_id_changes")),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_change_patrols_user_id_users")),
    sa.PrimaryKeyConstraint("change_id", name=op.f("pk_change_patrols"))
    )

    op.create_table("audit_log",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("action", sa.String(length=20), nullable=False),
    sa.Column("actor_id", sa.Integer(), nullable=True),
    sa.Column("recipe_id", sa.Integer(), nullable=True),
    sa.Column("revision_id", sa.Integer(), nullable=True),
    sa.Column("target_user_id", sa.Integer(), nullable=True),
    sa.Column("change_id", sa.Integer(), nullable=True),
    sa.Column("summary", sa.String(length=500), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_log_actor_id_users")),
    sa.ForeignKeyConstraint(["change_id"], ["changes.id"], name=op.f("fk_audit_log_change_id_changes")),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_audit_log_recipe_id_recipes")),
    sa.ForeignKeyConstraint(["revision_id"], ["revisions.id"], name=op.f("fk_audit_log_revision_id_revisions")),
    sa.ForeignKeyConstraint(["target_user_id"], ["users.id"], name=op.f("fk_audit_log_target_user_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log"))
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_actor_id"), ["actor_id"], unique=False)
    triggers = SQLITE_AUDIT_TRIGGERS if op.get_bind().dialect.name == "sqlite" else POSTGRES_AUDIT_TRIGGERS
    for statement in triggers:
        op.execute(statement)

    op.create_table("watches",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("recipe_id", sa.Integer(), nullable=True),
    sa.Column("region_id", sa.Integer(), nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(recipe_id IS NULL) <> (region_id IS NULL)", name=op.f("ck_watches_one_target")),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_watches_recipe_id_recipes")),
    sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name=op.f("fk_watches_region_id_regions")),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_watches_user_id_users")),
    sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
    sa.UniqueConstraint("user_id", "recipe_id", name="uq_watches_user_id_recipe_id"),
    sa.UniqueConstraint("user_id", "region_id", name="uq_watches_user_id_region_id")
    )
    with op.batch_alter_table("watches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watches_user_id"), ["user_id"], unique=False)

    op.create_table("watchlist_visits",
    sa.Column("user_id", sa.Integer(), nullable=False),
    sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_watchlist_visits_user_id_users")),
    sa.PrimaryKeyConstraint("user_id", name=op.f("pk_watchlist_visits"))
    )

    op.create_table("recipe_redirects",
    sa.Column("slug", sa.String(length=80), nullable=False),
    sa.Column("recipe_id", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(["recipe_id"], ["recipes.id"], name=op.f("fk_recipe_redirects_recipe_id_recipes")),
    sa.PrimaryKeyConstraint("slug", name=op.f("pk_recipe_redirects"))
    )
    with op.batch_alter_table("recipe_redirects", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipe_redirects_recipe_id"), ["recipe_id"], unique=False)


def downgrade() -> None:
    op.drop_table("recipe_redirects")
    op.drop_table("watchlist_visits")
    op.drop_table("watches")
    op.drop_table("audit_log")
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP FUNCTION audit_log_refuse_change()")
    op.drop_table("change_patrols")
    op.drop_table("changes")
    with op.batch_alter_table("recipes", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")

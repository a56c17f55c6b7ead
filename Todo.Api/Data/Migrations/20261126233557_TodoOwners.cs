using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Todo.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class TodoOwners : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_todos_idempotency_key",
                table: "todos");

            migrationBuilder.AddColumn<string>(
                name: "owner_id",
                table: "todos",
                type: "character varying(255)",
                maxLength: 255,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ix_todos_owner_id_status_todo_id",
                table: "todos",
                columns: new[] { "owner_id", "status", "todo_id" });

            migrationBuilder.CreateIndex(
                name: "ix_todos_owner_id_todo_id",
                table: "todos",
                columns: new[] { "owner_id", "todo_id" });

            migrationBuilder.CreateIndex(
                name: "ux_todos_owner_id_idempotency_key",
                table: "todos",
                columns: new[] { "owner_id", "idempotency_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_todos_owner_id_status_todo_id",
                table: "todos");

            migrationBuilder.DropIndex(
                name: "ix_todos_owner_id_todo_id",
                table: "todos");

            migrationBuilder.DropIndex(
                name: "ux_todos_owner_id_idempotency_key",
                table: "todos");

            migrationBuilder.DropColumn(
                name: "owner_id",
                table: "todos");

            migrationBuilder.CreateIndex(
                name: "ux_todos_idempotency_key",
                table: "todos",
                column: "idempotency_key",
                unique: true);
        }
    }
}

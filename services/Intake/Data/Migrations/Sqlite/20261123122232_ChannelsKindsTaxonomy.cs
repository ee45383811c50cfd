using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Complaints.Intake.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ChannelsKindsTaxonomy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "AmountInDispute",
                table: "complaint",
                type: "TEXT",
                precision: 18,
                scale: 4,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ComplainantKind",
                table: "complaint",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "ConsentContact",
                table: "complaint",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "ConsentPublication",
                table: "complaint",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Currency",
                table: "complaint",
                type: "TEXT",
                maxLength: 3,
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "EventDate",
                table: "complaint",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "HasRepresentative",
                table: "complaint",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<byte[]>(
                name: "MemberNumberCipher",
                table: "complaint",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReceivedBy",
                table: "complaint",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "RepresentativeCipher",
                table: "complaint",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Subcategory",
                table: "complaint",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TimeZone",
                table: "complaint",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AmountInDispute",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "ComplainantKind",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "ConsentContact",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "ConsentPublication",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "Currency",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "EventDate",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "HasRepresentative",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "MemberNumberCipher",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "ReceivedBy",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "RepresentativeCipher",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "Subcategory",
                table: "complaint");

            migrationBuilder.DropColumn(
                name: "TimeZone",
                table: "complaint");
        }
    }
}

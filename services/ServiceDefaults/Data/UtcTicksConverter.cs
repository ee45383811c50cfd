using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Complaints.ServiceDefaults.Data;

/// <summary>
/// Stores DateTimeOffset as UTC ticks: sortable and comparable in SQL on every provider
/// (SQLite cannot order DateTimeOffset columns).
/// </summary>
public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));

public static class ModelConventions
{
    public static ModelConfigurationBuilder UseUtcTicksForDateTimeOffset(this ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        return builder;
    }
}

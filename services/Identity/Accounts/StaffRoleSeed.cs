using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Complaints.Identity.Accounts;

/// <summary>The staff roles exist before any account is given one (after the migrations: registered after the database).</summary>
public sealed class StaffRoleSeed(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => EnsureAsync(services, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct)
    {
        foreach (var role in StaffAccounts.StaffRoles)
        {
            try
            {
                await EnsureAsync(services, role);
            }
            catch (DbUpdateException)
            {
                // Another process (a replica, or the admin bootstrap) made it between the look and the insert: fine if
                // it is there now, looked up again with a fresh context (this one still holds the failed insert).
                ct.ThrowIfCancellationRequested();
                if (!await ExistsAsync(services, role))
                {
                    throw;
                }
            }
        }
    }

    private static async Task EnsureAsync(IServiceProvider services, string role)
    {
        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (!await roles.RoleExistsAsync(role))
        {
            var result = await roles.CreateAsync(new IdentityRole(role));
            if (!result.Succeeded && !await roles.RoleExistsAsync(role))
            {
                throw new InvalidOperationException($"The role {role} could not be created: {string.Join("; ", result.Errors.Select(e => e.Description))}");
            }
        }
    }

    private static async Task<bool> ExistsAsync(IServiceProvider services, string role)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>().RoleExistsAsync(role);
    }
}

using Microsoft.AspNetCore.Identity;

namespace Complaints.Identity.Accounts;

/// <summary>The staff roles exist before any account is given one (after the migrations: registered after the database).</summary>
public sealed class StaffRoleSeed(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => EnsureAsync(services, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task EnsureAsync(IServiceProvider services, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in StaffAccounts.StaffRoles)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                var result = await roles.CreateAsync(new IdentityRole(role));
                if (!result.Succeeded && !await roles.RoleExistsAsync(role))
                {
                    throw new InvalidOperationException($"The role {role} could not be created: {string.Join("; ", result.Errors.Select(e => e.Description))}");
                }
            }
        }
    }
}

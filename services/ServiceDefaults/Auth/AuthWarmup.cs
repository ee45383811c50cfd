using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Complaints.ServiceDefaults.Auth;

/// <summary>
/// Reads the provider's keys and gets this service's own token once the service starts, so the first call it makes or
/// receives does not pay for them inside a caller's deadline. Retried every second while the provider is not there yet
/// (processes start together); readiness does not wait for it.
/// </summary>
internal sealed partial class AuthWarmup(
    IOptionsMonitor<JwtBearerOptions> bearer,
    ServiceTokenSource tokens,
    TimeProvider clock,
    ILogger<AuthWarmup> logger) : BackgroundService
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var manager = bearer.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager;
        var started = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (manager is not null)
                {
                    await manager.GetConfigurationAsync(stoppingToken);
                }
                await tokens.GetTokenAsync(stoppingToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (clock.GetUtcNow() - started > GiveUpAfter)
                {
                    // Calls will fetch them when they need them, as they do after any failure.
                    LogGaveUp(logger, ex.Message);
                    return;
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity provider's keys or this service's token could not be read at start: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, string reason);
}

using Complaints.ServiceDefaults.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Complaints.Identity.PasswordReset;

public static class PasswordResetExtensions
{
    /// <summary>
    /// Password reset by email: the token provider (Identity:PasswordReset:LinkLifetime), the request's rate limit
    /// (Identity:PasswordReset:EmailInterval), and Identity's own mail (Identity:Smtp, Identity:From; decision 15).
    /// </summary>
    public static WebApplicationBuilder AddPasswordReset(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PasswordResetOptions>().BindConfiguration("Identity:PasswordReset");
        services.AddOptions<PasswordResetTokenProviderOptions>().Configure<IOptions<PasswordResetOptions>>((o, reset) =>
        {
            o.Name = PasswordResetTokenProvider.ProviderName;
            o.TokenLifespan = reset.Value.LinkLifetime;
        });
        services.AddTransient<PasswordResetTokenProvider>();
        services.Configure<IdentityOptions>(o =>
        {
            o.Tokens.ProviderMap[PasswordResetTokenProvider.ProviderName] = new TokenProviderDescriptor(typeof(PasswordResetTokenProvider));
            o.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider.ProviderName;
        });
        services.AddOptions<StaffSmtpOptions>().BindConfiguration("Identity:Smtp");
        services.AddOptions<StaffMailOptions>().Configure<IConfiguration>((o, configuration) =>
            o.From = configuration["Identity:From"] is { Length: > 0 } from ? from : o.From);
        services.AddSingleton<IStaffMail>(sp => sp.GetRequiredService<IOptions<StaffSmtpOptions>>().Value.Host.Length > 0
            ? ActivatorUtilities.CreateInstance<StaffSmtpMail>(sp)
            : new StaffMailFileSink(Path.Combine(sp.GetRequiredService<IConfiguration>().DataDirectory(), "mail"), sp.GetRequiredService<IOptions<StaffMailOptions>>()));
        services.AddSingleton<ResetMailQueue>();
        services.AddHostedService<ResetMailSender>();
        services.AddScoped<PasswordResets>();
        return builder;
    }
}

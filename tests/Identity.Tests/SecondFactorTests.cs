using Complaints.Identity.Accounts;
using Complaints.Identity.V1;
using Complaints.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Identity.Tests;

public sealed class SecondFactorTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    private async Task<T> WithAsync<T>(Func<SecondFactors, StaffUser, Task<T>> act, string subject)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByNameAsync(subject))!;
        return await act(scope.ServiceProvider.GetRequiredService<SecondFactors>(), user);
    }

    private async Task<string> NewAccountAsync(params string[] roles)
    {
        var subject = "totp-" + Guid.NewGuid().ToString("N")[..10];
        await new StaffAccountService.StaffAccountServiceClient(fixture.Factory.Channel(fixture.Factory.Token("admin-1", "admin")))
            .CreateAccountAsync(new CreateAccountRequest { Subject = subject, Email = subject + "@example.com", DisplayName = "T", Roles = { roles } });
        return subject;
    }

    [Fact]
    public async Task Confirm_CodeFromTheAppsKey_TwoFactorOnWithTenRecoveryCodes()
    {
        var subject = await NewAccountAsync("agent");
        var (key, uri) = await WithAsync((f, u) => f.BeginAsync(u), subject);

        var codes = await WithAsync((f, u) => f.ConfirmAsync(u, Totp.Code(key, DateTimeOffset.UtcNow)), subject);

        Assert.StartsWith("otpauth://totp/", uri);
        Assert.Contains("secret=" + key, uri);
        Assert.Equal(SecondFactors.RecoveryCodes, codes.Count);
        Assert.True(await WithAsync((f, u) => Task.FromResult(u.TwoFactorEnabled), subject));
        Assert.True(await WithAsync((f, u) => f.VerifyAsync(u, Totp.Code(key, DateTimeOffset.UtcNow)), subject));
    }

    [Fact]
    public async Task Confirm_WrongCode_ValidationErrorAndTwoFactorStaysOff()
    {
        var subject = await NewAccountAsync("agent");
        var (key, _) = await WithAsync((f, u) => f.BeginAsync(u), subject);
        var wrong = Totp.Code(key, DateTimeOffset.UtcNow.AddMinutes(10));

        await Assert.ThrowsAsync<ServiceDefaults.Errors.ValidationException>(() => WithAsync((f, u) => f.ConfirmAsync(u, wrong), subject));

        Assert.False(await WithAsync((f, u) => Task.FromResult(u.TwoFactorEnabled), subject));
    }

    [Fact]
    public async Task Redeem_RecoveryCode_WorksOnce()
    {
        var subject = await NewAccountAsync("agent");
        var (key, _) = await WithAsync((f, u) => f.BeginAsync(u), subject);
        var codes = await WithAsync((f, u) => f.ConfirmAsync(u, Totp.Code(key, DateTimeOffset.UtcNow)), subject);

        var first = await WithAsync((f, u) => f.RedeemAsync(u, codes[0]), subject);
        var again = await WithAsync((f, u) => f.RedeemAsync(u, codes[0]), subject);

        Assert.True(first);
        Assert.False(again);
        Assert.Equal(SecondFactors.RecoveryCodes - 1, await WithAsync((f, u) => f.RecoveryCodesLeftAsync(u), subject));
    }

    [Theory]
    [InlineData("admin", true)]
    [InlineData("agent", false)]
    public async Task Required_ByRole_AdminsByDefault(string role, bool expected)
    {
        var subject = await NewAccountAsync(role);

        Assert.Equal(expected, await WithAsync((f, u) => f.RequiredAsync(u), subject));
    }
}

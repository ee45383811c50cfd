using Complaints.Identity.Accounts;
using Complaints.Identity.V1;
using Complaints.TestSupport;
using Grpc.Core;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Complaints.Identity.Tests;

/// <summary>Identity in-process with a short lockout (3 failures), for the account and password rules.</summary>
public sealed class AccountsFixture : IDisposable
{
    public ServiceFactory<Program> Factory { get; } = new(new Dictionary<string, string?>
    {
        ["Identity:Lockout:MaxFailedAccessAttempts"] = "3",
    });

    public void Dispose() => Factory.Dispose();
}

public sealed class AccountTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    private StaffAccountService.StaffAccountServiceClient Accounts(string role = "admin") =>
        new(fixture.Factory.Channel(fixture.Factory.Token("admin-1", role)));

    private static string NewSubject() => "staff-" + Guid.NewGuid().ToString("N")[..10];

    private Task<CreateAccountResponse> CreateAsync(string subject, params string[] roles) =>
        Accounts().CreateAccountAsync(new CreateAccountRequest { Subject = subject, Email = subject + "@example.com", DisplayName = "Hana Kim", Roles = { roles } }).ResponseAsync;

    private async Task<PasswordOutcome> CheckAsync(string subject, string password)
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<PasswordCheck>().CheckAsync(subject, password)).Outcome;
    }

    [Fact]
    public async Task CreateAccount_AsAdmin_RolesAndAOneTimePasswordThatSignsIn()
    {
        var subject = NewSubject();

        var created = await CreateAsync(subject, "agent", "supervisor");

        Assert.Equal(subject, created.Account.Subject);
        Assert.Equal(["agent", "supervisor"], created.Account.Roles);
        Assert.True(created.InitialPassword.Length >= 20);
        Assert.Equal(PasswordOutcome.Valid, await CheckAsync(subject, created.InitialPassword));
        Assert.Contains((await Accounts().ListAccountsAsync(new ListAccountsRequest())).Accounts, a => a.Subject == subject);
    }

    [Theory]
    [InlineData("service")]
    [InlineData("partner")]
    [InlineData("root")]
    public async Task CreateAccount_NotAStaffRole_InvalidArgumentNamingTheRoleAndNothingCreated(string role)
    {
        var subject = NewSubject();

        var error = await Assert.ThrowsAsync<RpcException>(() => CreateAsync(subject, "agent", role));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("roles[1]", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain((await Accounts().ListAccountsAsync(new ListAccountsRequest())).Accounts, a => a.Subject == subject);
    }

    [Fact]
    public async Task SetRoles_ToService_InvalidArgumentAndRolesUnchanged()
    {
        var subject = NewSubject();
        await CreateAsync(subject, "agent");

        var error = await Assert.ThrowsAsync<RpcException>(() => Accounts().SetRolesAsync(new SetRolesRequest { Subject = subject, Roles = { "service" } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal(["agent"], (await Accounts().ListAccountsAsync(new ListAccountsRequest())).Accounts.Single(a => a.Subject == subject).Roles);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("supervisor")]
    [InlineData("analyst")]
    [InlineData("service")]
    public async Task CreateAccount_NotAdmin_PermissionDenied(string role)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Accounts(role).CreateAccountAsync(new CreateAccountRequest
        {
            Subject = NewSubject(),
            Email = "x@example.com",
            DisplayName = "X",
            Roles = { "admin" },
        }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task CheckPassword_RepeatedFailures_LockedOutEvenWithTheRightPassword()
    {
        var subject = NewSubject();
        var created = await CreateAsync(subject, "agent");

        var failures = new List<PasswordOutcome>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add(await CheckAsync(subject, "wrong-password-" + i));
        }

        Assert.Equal([PasswordOutcome.Invalid, PasswordOutcome.Invalid, PasswordOutcome.LockedOut], failures);
        Assert.Equal(PasswordOutcome.LockedOut, await CheckAsync(subject, created.InitialPassword));
        Assert.NotNull((await Accounts().ListAccountsAsync(new ListAccountsRequest())).Accounts.Single(a => a.Subject == subject).LockedOutUntil);
    }

    [Fact]
    public async Task CheckPassword_DisabledAccount_RefusedWithTheRightPasswordUntilEnabled()
    {
        var subject = NewSubject();
        var created = await CreateAsync(subject, "agent");

        var disabled = await Accounts().SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = true, Reason = "left the company" });
        var whileDisabled = await CheckAsync(subject, created.InitialPassword);
        await Accounts().SetDisabledAsync(new SetDisabledRequest { Subject = subject, Disabled = false });

        Assert.True(disabled.Disabled);
        Assert.Equal(PasswordOutcome.Disabled, whileDisabled);
        Assert.Equal(PasswordOutcome.Valid, await CheckAsync(subject, created.InitialPassword));
    }

    [Fact]
    public async Task CheckPassword_UnknownSubject_InvalidLikeAWrongPassword()
    {
        Assert.Equal(PasswordOutcome.Invalid, await CheckAsync("nobody-" + Guid.NewGuid().ToString("N")[..8], "whatever-password"));
    }

    [Fact]
    public async Task BootstrapAdmin_Twice_CreatesTheFirstAdminOnceWithAPasswordThatSignsIn()
    {
        await using var scope = fixture.Factory.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<StaffAccounts>();

        var first = await accounts.BootstrapAdminAsync("root", "root@example.com", CancellationToken.None);
        var second = await accounts.BootstrapAdminAsync("root2", "root2@example.com", CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
        Assert.Equal(PasswordOutcome.Valid, await CheckAsync("root", first));
    }
}

/// <summary>An account is made whole or not at all: a stop between the account and its roles leaves nothing behind.</summary>
public sealed class AccountAtomicityTests : IDisposable
{
    private readonly ServiceFactory<Program> _factory = new();

    [Fact]
    public async Task CreateAccount_RolesStepFails_NoAccountLeft()
    {
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            Assert.True((await roles.DeleteAsync((await roles.FindByNameAsync("analyst"))!)).Succeeded);
        }
        var accounts = new StaffAccountService.StaffAccountServiceClient(_factory.Channel(_factory.Token("admin-1", "admin")));

        await Assert.ThrowsAnyAsync<Exception>(() => accounts.CreateAccountAsync(new CreateAccountRequest
        {
            Subject = "half-made",
            Email = "half-made@example.com",
            DisplayName = "Hana Kim",
            Roles = { "agent", "analyst" },
        }).ResponseAsync);

        await using var check = _factory.Services.CreateAsyncScope();
        Assert.Null(await check.ServiceProvider.GetRequiredService<UserManager<StaffUser>>().FindByNameAsync("half-made"));
    }

    public void Dispose() => _factory.Dispose();
}

public sealed class ProfileTests(AccountsFixture fixture) : IClassFixture<AccountsFixture>
{
    private StaffProfileService.StaffProfileServiceClient Profile(string subject, string role = "agent") =>
        new(fixture.Factory.Channel(fixture.Factory.Token(subject, role)));

    private async Task<string> CreateAsync(string role)
    {
        var subject = "staff-" + Guid.NewGuid().ToString("N")[..10];
        await new StaffAccountService.StaffAccountServiceClient(fixture.Factory.Channel(fixture.Factory.Token("admin-1", "admin")))
            .CreateAccountAsync(new CreateAccountRequest { Subject = subject, Email = subject + "@example.com", DisplayName = "Hana Kim", Roles = { role } });
        return subject;
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("analyst")]
    public async Task SetMyLanguage_OwnAccount_SavedAndReadBack(string role)
    {
        var subject = await CreateAsync(role);

        var set = await Profile(subject, role).SetMyLanguageAsync(new SetMyLanguageRequest { Language = "ko" });
        var read = await Profile(subject, role).GetMyProfileAsync(new GetMyProfileRequest());

        Assert.Equal(subject, set.Subject);
        Assert.Equal("ko", read.Language);
        Assert.Equal("", (await Profile(subject, role).SetMyLanguageAsync(new SetMyLanguageRequest { Language = "" })).Language);
    }

    [Fact]
    public async Task SetMyLanguage_UnknownLanguage_InvalidArgumentNamingTheFieldAndNothingChanged()
    {
        var subject = await CreateAsync("agent");
        await Profile(subject).SetMyLanguageAsync(new SetMyLanguageRequest { Language = "bg" });

        var error = await Assert.ThrowsAsync<RpcException>(() => Profile(subject).SetMyLanguageAsync(new SetMyLanguageRequest { Language = "fr" }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("language", error.Status.Detail);
        Assert.Equal("bg", (await Profile(subject).GetMyProfileAsync(new GetMyProfileRequest())).Language);
    }

    [Fact]
    public async Task GetMyProfile_TokenWithoutAccount_NotFound()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Profile("nobody-" + Guid.NewGuid().ToString("N")[..6]).GetMyProfileAsync(new GetMyProfileRequest()).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }
}

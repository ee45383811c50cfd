using System.Security.Cryptography;
using Complaints.Intake.Domain;
using Complaints.Intake.Security;

namespace Complaints.Intake.Tests;

public class SecurityTests
{
    private static KeyMaterial Keys() => new(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void TrackingTokens_SameComplaint_SameTokenAndVerifies()
    {
        var tokens = new TrackingTokens(Keys());
        var id = Guid.NewGuid();

        var token = tokens.For(id);

        Assert.Equal(token, tokens.For(id));
        Assert.True(tokens.Verify(id, token));
        Assert.True(token.Length >= 43);
    }

    [Fact]
    public void TrackingTokens_OtherComplaintOrKey_DoesNotVerify()
    {
        var tokens = new TrackingTokens(Keys());
        var id = Guid.NewGuid();
        var token = tokens.For(id);

        Assert.False(tokens.Verify(Guid.NewGuid(), token));
        Assert.False(new TrackingTokens(Keys()).Verify(id, token));
        Assert.False(tokens.Verify(id, ""));
        Assert.False(tokens.Verify(id, token[..^1]));
    }

    [Fact]
    public void FieldProtector_RoundTrip_ReturnsPlaintextForAnyScript()
    {
        var protector = new FieldProtector(Keys());
        var owner = Guid.NewGuid();
        var (key, wrapped) = protector.NewDataKey(owner);
        const string text = "환불 요청 · Възстановяване · استرداد · 👍🏽";

        var cipher = protector.Encrypt(key, owner, "description", text);
        var unwrapped = protector.Unwrap(wrapped, owner);

        Assert.Equal(text, protector.Decrypt(unwrapped, owner, "description", cipher));
        Assert.Equal(-1, cipher.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes("환불")));
    }

    [Fact]
    public void FieldProtector_CipherMovedToOtherFieldOrOwner_FailsToDecrypt()
    {
        var protector = new FieldProtector(Keys());
        var owner = Guid.NewGuid();
        var (key, _) = protector.NewDataKey(owner);
        var cipher = protector.Encrypt(key, owner, "email", "mina@example.com");

        Assert.ThrowsAny<CryptographicException>(() => protector.Decrypt(key, owner, "name", cipher));
        Assert.ThrowsAny<CryptographicException>(() => protector.Decrypt(key, Guid.NewGuid(), "email", cipher));
    }

    [Fact]
    public void FieldProtector_OtherMasterKey_CannotUnwrap()
    {
        var owner = Guid.NewGuid();
        var (_, wrapped) = new FieldProtector(Keys()).NewDataKey(owner);

        Assert.ThrowsAny<CryptographicException>(() => new FieldProtector(Keys()).Unwrap(wrapped, owner));
    }

    [Fact]
    public void ReferenceGenerator_Next_IsReadableAndVaries()
    {
        var generator = new ReferenceGenerator();

        var references = Enumerable.Range(0, 1000).Select(_ => generator.Next()).ToList();

        Assert.All(references, r => Assert.Matches("^CMP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$", r));
        Assert.Equal(1000, references.Distinct().Count());
    }

    [Theory]
    [InlineData(" cmp-7k3q-x9m2 ", "CMP-7K3Q-X9M2")]
    [InlineData("CMP-OOII-LL00", "CMP-0011-1100")]
    public void ReferenceGenerator_Normalize_MapsCaseAndLookAlikes(string input, string expected)
    {
        Assert.Equal(expected, ReferenceGenerator.Normalize(input));
    }
}

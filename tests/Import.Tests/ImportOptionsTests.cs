namespace Complaints.Import.Tests;

public class ImportOptionsTests
{
    [Fact]
    public void Parse_AllOptions_ReadsEach()
    {
        var o = ImportOptions.Parse(["--file", "a.csv", "--target", "http://127.0.0.1:8081", "--token", "jwt", "--open", "--batch-progress", "25", "--dry-run"]);

        Assert.Equal(new ImportOptions("a.csv", new Uri("http://127.0.0.1:8081"), "jwt", OpenAll: true, ProgressEvery: 25, DryRun: true), o);
    }

    [Fact]
    public void Parse_Minimal_DefaultsClosedProgress100()
    {
        var o = ImportOptions.Parse(["--target", "http://127.0.0.1:5101", "--token", "jwt", "--file", "a.csv"]);

        Assert.False(o.OpenAll);
        Assert.False(o.DryRun);
        Assert.Equal(100, o.ProgressEvery);
    }

    [Fact]
    public void Parse_TokenWithBearerPrefix_PrefixDropped()
    {
        Assert.Equal("jwt", ImportOptions.Parse(["--file", "a.csv", "--target", "http://h:1", "--token", "Bearer jwt"]).Token);
    }

    [Fact]
    public void Parse_DryRun_NeedsNoTargetOrToken()
    {
        var o = ImportOptions.Parse(["--file", "a.csv", "--dry-run"]);

        Assert.Null(o.Target);
        Assert.Null(o.Token);
    }

    [Theory]
    [InlineData(new string[0], "--file is required.")]
    [InlineData(new[] { "--file", "a.csv", "--token", "t" }, "--target is required (or use --dry-run).")]
    [InlineData(new[] { "--file", "a.csv", "--target", "http://h:1" }, "--token is required (or use --dry-run).")]
    [InlineData(new[] { "--file", "a.csv", "--target", "h:1", "--token", "t" }, "--target must be an http:// or https:// URL (got \"h:1\").")]
    [InlineData(new[] { "--file", "a.csv", "--dry-run", "--batch-progress", "0" }, "--batch-progress must be a positive whole number (got \"0\").")]
    [InlineData(new[] { "--file", "a.csv", "--dry-run", "--batch-progress", "x" }, "--batch-progress must be a positive whole number (got \"x\").")]
    [InlineData(new[] { "--file", "--dry-run" }, "--file needs a value.")]
    [InlineData(new[] { "--file", "a.csv", "--dry-run", "--verbose" }, "unknown argument \"--verbose\".")]
    public void Parse_BadArguments_ThrowsUsage(string[] args, string message)
    {
        Assert.Equal(message, Assert.Throws<UsageException>(() => ImportOptions.Parse(args)).Message);
    }
}

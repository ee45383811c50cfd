using System.Text.RegularExpressions;
using Complaints.Notifications.Domain;

namespace Complaints.Notifications.Tests;

public sealed partial class TemplateStoreTests
{
    /// <summary>The templates as the service loads them: copied next to the assemblies.</summary>
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Templates");

    private static TemplateStore Load() => TemplateStore.Load(Folder);

    private static Dictionary<string, string> Values(string reference = "CMP-ABCD1234") => new()
    {
        ["reference"] = reference,
        ["name"] = "Alex Doe",
        ["receivedAt"] = "10 March 2025 (UTC)",
        ["acknowledgeBy"] = "11 March 2025 (UTC)",
        ["resolveBy"] = "5 May 2025 (UTC)",
    };

    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}")]
    private static partial Regex Placeholder();

    public static TheoryData<string> TemplateFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.txt").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void Load_OutputFolder_HasEveryTemplateOfTheServiceSource()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Complaints.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Complaints.sln not found above the test output.");
        }
        var source = Directory.EnumerateFiles(Path.Combine(root, "services", "Notifications", "Templates"), "*.txt").Select(Path.GetFileName).Order().ToList();

        var copied = Directory.EnumerateFiles(Folder, "*.txt").Select(Path.GetFileName).Order().ToList();

        Assert.NotEmpty(source);
        Assert.Equal(source, copied);
        Assert.Equal(copied.Count, Load().Keys.Count());
    }

    [Theory]
    [MemberData(nameof(TemplateFiles))]
    public void Render_EveryTemplateWithAllPlaceholders_LeavesNoPlaceholder(string file)
    {
        var parts = Path.GetFileNameWithoutExtension(file).Split('.', 2);
        var (kind, language) = (parts[0], parts[1]);
        var names = Placeholder().Matches(File.ReadAllText(Path.Combine(Folder, file))).Select(m => m.Groups[1].Value).Distinct().ToList();
        var values = names.ToDictionary(n => n, n => $"<{n}-value>");

        var rendered = Load().Render(kind, language, "en", values);

        Assert.Equal(language, rendered.Language);
        Assert.NotEmpty(names);
        Assert.False(string.IsNullOrWhiteSpace(rendered.Subject));
        Assert.False(string.IsNullOrWhiteSpace(rendered.Body));
        Assert.DoesNotContain("{{", rendered.Subject + rendered.Body);
        Assert.DoesNotContain("}}", rendered.Subject + rendered.Body);
        Assert.All(values.Values, v => Assert.Contains(v, rendered.Subject + rendered.Body));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("ko")]
    [InlineData("bg")]
    public void Load_Acknowledgement_ExistsInLanguage(string language)
    {
        Assert.Contains(("acknowledgement", language), Load().Keys);
    }

    [Theory]
    [InlineData("ko-KR", "ko")]
    [InlineData("KO", "ko")]
    [InlineData("bg-BG", "bg")]
    [InlineData("en-GB", "en")]
    public void Render_RegionalLanguage_PicksPrimaryLanguage(string requested, string expected)
    {
        var rendered = Load().Render("acknowledgement", requested, "en", Values());

        Assert.Equal(expected, rendered.Language);
    }

    [Theory]
    [InlineData("fr")]
    [InlineData("fr-CA")]
    [InlineData("")]
    public void Render_UnknownLanguage_FallsBackToEnglish(string requested)
    {
        var rendered = Load().Render("acknowledgement", requested, "en", Values("CMP-FALLBACK"));

        Assert.Equal("en", rendered.Language);
        Assert.Equal("We have received your complaint CMP-FALLBACK", rendered.Subject);
    }

    [Fact]
    public void Render_MissingValue_ThrowsNamingPlaceholder()
    {
        var values = Values();
        values.Remove("resolveBy");

        var error = Assert.Throws<InvalidOperationException>(() => Load().Render("acknowledgement", "en", "en", values));

        Assert.Contains("resolveBy", error.Message);
    }

    [Fact]
    public void Render_UnknownKind_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Load().Render("no-such-kind", "en", "en", Values()));

        Assert.Contains("no-such-kind", error.Message);
    }

    [Fact]
    public void Render_Korean_RoundTripsExactly()
    {
        var values = Values("CMP-KO000001");
        values["name"] = "박미나";

        var rendered = Load().Render("acknowledgement", "ko", "en", values);

        Assert.Equal("민원 CMP-KO000001이(가) 접수되었습니다", rendered.Subject);
        Assert.StartsWith("박미나 님께,\n", rendered.Body);
        Assert.Contains("민원 처리팀 드림", rendered.Body);
    }

    [Fact]
    public void Render_Bulgarian_RoundTripsExactly()
    {
        var values = Values("CMP-BG000001");
        values["name"] = "Иван Петров";

        var rendered = Load().Render("acknowledgement", "bg", "en", values);

        Assert.Equal("Получихме вашата жалба CMP-BG000001", rendered.Subject);
        Assert.StartsWith("Уважаеми/а Иван Петров,\n", rendered.Body);
        Assert.Contains("подаването ѝ", rendered.Body);
    }

    [Fact]
    public void Render_ValueWithBraces_IsNotExpandedAgain()
    {
        var values = Values();
        values["name"] = "{{reference}}";

        var rendered = Load().Render("acknowledgement", "en", "en", values);

        Assert.StartsWith("Dear {{reference}},", rendered.Body);
    }
}

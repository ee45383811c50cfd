using Complaints.Notifications.Domain;

namespace Complaints.Notifications.Tests;

public sealed class TemplateStoreTests
{
    /// <summary>The templates as the service loads them: copied next to the assemblies.</summary>
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Templates");

    private static readonly string[] Languages = ["en", "ko", "bg"];

    private static TemplateStore Load() => TemplateStore.Load(Folder);

    /// <summary>Every value a kind may have, as the delivery fills them (dates and amounts already formatted).</summary>
    private static Dictionary<string, string> AllValues(string kind) =>
        TemplateKinds.Values[kind].ToDictionary(n => n, n => $"<{n}-value>");

    private static Dictionary<string, string> Values(string reference = "CMP-ABCD1234") => new()
    {
        ["reference"] = reference,
        ["name"] = "Alex Doe",
        ["followUrl"] = $"https://complaints.example.org/follow?reference={reference}",
        ["receivedAt"] = "10 March 2025 (UTC)",
        ["resolveBy"] = "5 May 2025 (UTC)",
    };

    public static TheoryData<string, string> KindsAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in TemplateKinds.All)
        {
            foreach (var language in Languages)
            {
                data.Add(kind.Name, language);
            }
        }
        return data;
    }

    [Theory]
    [InlineData("1 февруари 2027 г.", "Отговор до {{day}}.", "Отговор до 1 февруари 2027 г.")]
    [InlineData("1 February 2027", "Reply by {{day}}.", "Reply by 1 February 2027.")]
    [InlineData("etc.", "And so on: {{day}}...", "And so on: etc....")]
    public void Render_ValueEndingWithAPeriodEndsTheSentence_OnePeriod(string day, string template, string expected)
    {
        var parsed = TemplateEngine.Parse("t", template);

        Assert.Equal(expected, TemplateEngine.Render(parsed, new Dictionary<string, string> { ["day"] = day }, s => s, v => v));
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
    [MemberData(nameof(KindsAndLanguages))]
    public void Render_EveryKindAndLanguageWithAllValues_UsesEveryValueAndLeavesNoPlaceholder(string kind, string language)
    {
        var values = AllValues(kind);
        // A flag: it chooses wording and is never written out.
        var shown = values.Where(v => v.Key != "toSupervisor").Select(v => v.Value).ToList();

        var rendered = Load().Render(kind, language, "en", values);

        Assert.Equal(language, rendered.Language);
        var all = rendered.Subject + rendered.Text;
        Assert.False(string.IsNullOrWhiteSpace(rendered.Subject));
        Assert.DoesNotContain("{{", all + rendered.Html);
        Assert.DoesNotContain("}}", all + rendered.Html);
        Assert.Contains("<reference-value>", rendered.Subject);
        // Every value the delivery fills shows up; in the HTML part it is encoded.
        Assert.All(shown, v => Assert.Contains(v, all));
        Assert.All(shown, v => Assert.Contains(System.Net.WebUtility.HtmlEncode(v), rendered.Html));
        Assert.DoesNotContain("<reference-value>", rendered.Html);
    }

    [Theory]
    [MemberData(nameof(KindsAndLanguages))]
    public void Render_EveryKindAndLanguageWithOnlyRequiredValues_Renders(string kind, string language)
    {
        // Only what every message of the kind has: optional values (deadlines, amounts, the unsubscribe link) absent.
        var values = TemplateKinds.All.Single(k => k.Name == kind).Required.ToDictionary(n => n, n => n == "reference" ? "CMP-REQ00001" : $"<{n}-value>");

        var rendered = Load().Render(kind, language, "en", values);

        Assert.Contains("CMP-REQ00001", rendered.Subject);
        Assert.DoesNotContain("{{", rendered.Subject + rendered.Text + rendered.Html);
        Assert.DoesNotContain("unsubscribeUrl", rendered.Text);
    }

    [Theory]
    [InlineData("fr-FR", "en", "en")]
    [InlineData("en-GB", "en", "en-GB")]
    [InlineData("ko-KR", "ko", "ko-KR")]
    [InlineData("", "bg", "bg")]
    public void CultureFor_RenderedLanguage_FormatsInIt(string requested, string rendered, string expected)
    {
        Assert.Equal(expected, TemplateStore.CultureFor(requested, rendered).Name);
    }

    [Fact]
    public void Load_EveryKind_HasEveryLanguage()
    {
        var keys = Load().Keys.ToHashSet();

        var missing = TemplateKinds.All.SelectMany(k => Languages.Select(l => (k.Name, l))).Where(x => !keys.Contains(x)).ToList();

        Assert.Empty(missing);
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
    [InlineData("fr", "en", "We have received your complaint CMP-FALLBACK")]
    [InlineData("fr-CA", "en", "We have received your complaint CMP-FALLBACK")]
    [InlineData("", "bg", "Получихме вашата жалба CMP-FALLBACK")]
    public void Render_UnknownLanguage_FallsBackToDefaultLanguage(string requested, string defaultLanguage, string subject)
    {
        var rendered = Load().Render("acknowledgement", requested, defaultLanguage, Values("CMP-FALLBACK"));

        Assert.Equal(defaultLanguage, rendered.Language);
        Assert.Equal(subject, rendered.Subject);
    }

    [Fact]
    public void Render_MissingValue_ThrowsNamingPlaceholder()
    {
        var values = Values();
        values.Remove("receivedAt");

        var error = Assert.Throws<MissingPlaceholderException>(() => Load().Render("acknowledgement", "en", "en", values));

        Assert.Equal("receivedAt", error.Placeholder);
        Assert.Contains("acknowledgement.en.txt", error.Message);
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
        Assert.StartsWith("박미나 님께,\n", rendered.Text);
        Assert.Contains("민원 처리팀 드림", rendered.Text);
    }

    [Fact]
    public void Render_NoName_GreetsWithoutName()
    {
        var values = Values("CMP-BG000001");
        values["name"] = "";

        var rendered = Load().Render("acknowledgement", "bg", "en", values);

        Assert.StartsWith("Здравейте,\n", rendered.Text);
    }

    [Fact]
    public void Render_FinalResponseDuePresentOrAbsent_LineShownOnlyWhenPresent()
    {
        var without = Load().Render("acknowledgement", "en", "en", Values());
        var values = Values();
        values["finalResponseDue"] = "1 June 2025";
        var with = Load().Render("acknowledgement", "en", "en", values);

        Assert.DoesNotContain("final response no later than", without.Text);
        Assert.Contains("You will have our final response no later than 1 June 2025.", with.Text);
    }

    [Fact]
    public void Render_ValueWithBracesOrMarkup_IsNeitherExpandedNorInjected()
    {
        var values = Values();
        values["name"] = "{{reference}}<script>alert(1)</script>";

        var rendered = Load().Render("acknowledgement", "en", "en", values);

        Assert.StartsWith("Dear {{reference}}<script>alert(1)</script>,", rendered.Text);
        Assert.Contains("Dear {{reference}}&lt;script&gt;alert(1)&lt;/script&gt;,", rendered.Html);
        Assert.DoesNotContain("<script>", rendered.Html);
    }

    [Fact]
    public void Render_UrlValue_BecomesLinkInHtmlOnly()
    {
        var values = AllValues("surveyInvitation");
        values["surveyUrl"] = "https://survey.example.org/s/abc?x=1&y=2";

        var rendered = Load().Render("surveyInvitation", "en", "en", values);

        Assert.Contains("<a href=\"https://survey.example.org/s/abc?x=1&amp;y=2\">", rendered.Html);
        Assert.Contains("https://survey.example.org/s/abc?x=1&y=2", rendered.Text);
        Assert.DoesNotContain("<a ", rendered.Text);
    }

    [Fact]
    public void Render_SubjectValueWithNewline_StaysOneLine()
    {
        var values = AllValues("publicUpdate");
        values["title"] = "first\r\nBcc: someone@example.org";

        var rendered = Load().Render("publicUpdate", "en", "en", values);

        Assert.DoesNotContain("\n", rendered.Subject);
        Assert.DoesNotContain("\r", rendered.Subject);
    }

    [Fact]
    public void Load_OrganisationFolder_OverridesShippedTemplateAndAddsLanguage()
    {
        using var org = new TempFolder("org-templates");
        File.WriteAllText(org.File("acknowledgement.en.txt"), "Subject: Thanks from Acme, {{reference}}\n---\nHi {{name}}.\n");
        File.WriteAllText(org.File("acknowledgement.de.txt"), "Subject: Ihre Beschwerde {{reference}}\n---\nHallo {{name}}.\n");
        File.WriteAllText(org.File("acknowledgement.de.html"), "<p>Hallo <b>{{name}}</b>, {{reference}}</p>");

        var store = TemplateStore.Load(Folder, org.Path);
        var values = Values("CMP-ORG00001");
        values["name"] = "A&B";

        Assert.Equal("Thanks from Acme, CMP-ORG00001", store.Render("acknowledgement", "en", "en", values).Subject);
        var german = store.Render("acknowledgement", "de-AT", "en", values);
        Assert.Equal("de", german.Language);
        Assert.Equal("<p>Hallo <b>A&amp;B</b>, CMP-ORG00001</p>", german.Html);
        Assert.Equal("민원 CMP-ORG00001이(가) 접수되었습니다", store.Render("acknowledgement", "ko", "en", values).Subject);
    }

    [Theory]
    [InlineData("Subject: {{reference}}\n---\n{{surveyUrl}}\n", "surveyUrl")]
    [InlineData("Subject: {{reference}}\n---\nWe aim to resolve it by {{resolveBy}}.\n", "{{resolveBy}} outside {{#resolveBy}}")]
    [InlineData("Subject: {{reference}}\n---\n{{#name}}by {{finalResponseDue}}{{/name}}\n", "{{finalResponseDue}} outside")]
    [InlineData("Subject: {{reference}}\n---\n{{#name}}open\n", "never closed")]
    [InlineData("Subject: {{reference}}\n---\n{{name.Length}}\n", "not a placeholder")]
    [InlineData("Subject: {{reference}}\n---\n{{ System.IO.File.Delete(\"x\") }}\n", "not a placeholder")]
    public void Load_BadOrganisationTemplate_FailsAtLoadNamingTheProblem(string text, string expected)
    {
        using var org = new TempFolder("org-templates");
        File.WriteAllText(org.File("acknowledgement.en.txt"), text);

        var error = Assert.ThrowsAny<FormatException>(() => TemplateStore.Load(Folder, org.Path));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_UnknownKindFile_Fails()
    {
        using var org = new TempFolder("org-templates");
        File.WriteAllText(org.File("newsletter.en.txt"), "Subject: {{reference}}\n---\nx\n");

        var error = Assert.Throws<FormatException>(() => TemplateStore.Load(Folder, org.Path));

        Assert.Contains("newsletter", error.Message);
    }
}

public sealed class TemplateStartupTests
{
    [Fact]
    public void Start_BadOrganisationTemplate_ServiceDoesNotStart()
    {
        using var org = new TempFolder("org-templates");
        File.WriteAllText(org.File("caseClosed.en.txt"), "Subject: {{reference}}\n---\n{{closedAtt}}\n");
        using var factory = new NotificationsFactory(new Dictionary<string, string?> { ["Notifications:TemplatesFolder"] = org.Path });

        var error = Assert.ThrowsAny<Exception>(() => factory.Server);

        Assert.Contains("closedAtt", error.ToString());
    }
}

using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Intake.Domain;

/// <summary>A submission after validation and normalisation (NFC, trimmed, lower-case category).</summary>
public sealed record ValidSubmission(
    string IdempotencyKey,
    Channel Channel,
    string Name,
    string Email,
    string? Phone,
    string PreferredLanguage,
    string Category,
    string Subject,
    string Description,
    string? RemedySought,
    bool Confidential,
    Jurisdiction Jurisdiction);

public static partial class ComplaintValidation
{
    public const int SubjectMax = 200;
    public const int DescriptionMax = 20_000;
    public const int RemedySoughtMax = 2_000;
    public const int NameMax = 200;
    public const int EmailMax = 254;
    public const int IdempotencyKeyMax = 128;

    /// <summary>Checks every field and throws one ValidationException naming each bad field (proto JSON names).</summary>
    public static ValidSubmission Validate(SubmitComplaintRequest r, IReadOnlyList<string> categories)
    {
        var v = new Validator();
        var key = r.IdempotencyKey?.Trim() ?? string.Empty;
        if (key.Length == 0)
        {
            v.Add("idempotencyKey", "is required");
        }
        else if (key.Length > IdempotencyKeyMax || !IdempotencyKeyPattern().IsMatch(key))
        {
            v.Add("idempotencyKey", $"must be 1-{IdempotencyKeyMax} characters of letters, digits and . _ : -");
        }

        if (r.Channel == Channel.Unspecified || !Enum.IsDefined(r.Channel))
        {
            v.Add("channel", "is required and must be one of " + string.Join(", ", EnumNames<Channel>(skipZero: true)));
        }
        if (!Enum.IsDefined(r.Jurisdiction))
        {
            v.Add("jurisdiction", "must be one of " + string.Join(", ", EnumNames<Jurisdiction>(skipZero: false)));
        }

        string name = string.Empty, email = string.Empty, language = "en";
        string? phone = null;
        if (r.Complainant is null)
        {
            v.Add("complainant", "is required");
        }
        else
        {
            name = v.Text("complainant.name", r.Complainant.Name?.Trim(), 1, NameMax, allowNewlines: false);
            email = (r.Complainant.Email ?? string.Empty).Trim();
            if (email.Length == 0)
            {
                v.Add("complainant.email", "is required");
            }
            else if (!IsEmail(email))
            {
                v.Add("complainant.email", "must be a valid email address");
            }
            var rawPhone = (r.Complainant.Phone ?? string.Empty).Trim();
            if (rawPhone.Length > 0)
            {
                phone = PhoneSeparators().Replace(rawPhone, string.Empty);
                if (!E164().IsMatch(phone))
                {
                    v.Add("complainant.phone", "must be an international number in E.164 form, e.g. +447700900123");
                }
            }
            var rawLanguage = (r.Complainant.PreferredLanguage ?? string.Empty).Trim();
            if (rawLanguage.Length > 0)
            {
                if (TryLanguage(rawLanguage, out var normalized))
                {
                    language = normalized;
                }
                else
                {
                    v.Add("complainant.preferredLanguage", "must be a BCP 47 language tag, e.g. en, ko, bg-BG");
                }
            }
        }

        var category = (r.Category ?? string.Empty).Trim().ToLowerInvariant();
        if (category.Length == 0)
        {
            v.Add("category", "is required");
        }
        else if (!categories.Contains(category))
        {
            v.Add("category", "must be one of " + string.Join(", ", categories));
        }

        var subject = v.Text("subject", r.Subject?.Trim(), 1, SubjectMax);
        var description = v.Text("description", r.Description, 1, DescriptionMax);
        var remedy = v.Text("remedySought", r.RemedySought, 0, RemedySoughtMax);
        v.ThrowIfInvalid();

        return new ValidSubmission(key, r.Channel, name, email, phone, language, category, subject, description,
            string.IsNullOrWhiteSpace(remedy) ? null : remedy, r.Confidential, r.Jurisdiction);
    }

    private static bool IsEmail(string value) =>
        value.Length <= EmailMax
        && MailAddress.TryCreate(value, out var parsed)
        && parsed.Address == value
        && SimpleEmail().IsMatch(value);

    private static bool TryLanguage(string tag, out string normalized)
    {
        normalized = string.Empty;
        if (!LanguageTag().IsMatch(tag))
        {
            return false;
        }
        try
        {
            var culture = CultureInfo.GetCultureInfo(tag, predefinedOnly: true);
            normalized = culture.Name;
            return normalized.Length > 0;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    private static IEnumerable<string> EnumNames<T>(bool skipZero) where T : struct, Enum =>
        Enum.GetValues<T>()
            .Where(e => !skipZero || Convert.ToInt32(e, CultureInfo.InvariantCulture) != 0)
            .Select(ProtoEnums.Name);

    [GeneratedRegex(@"^[A-Za-z0-9._:\-]+$")]
    private static partial Regex IdempotencyKeyPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"[\s().\-]")]
    private static partial Regex PhoneSeparators();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex SimpleEmail();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();
}

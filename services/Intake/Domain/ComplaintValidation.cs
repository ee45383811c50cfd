using System.Globalization;
using System.Net.Mail;
using System.Text.RegularExpressions;
using Complaints.Common.V1;
using Complaints.Intake.V1;
using Complaints.ServiceDefaults;
using Complaints.ServiceDefaults.Errors;

namespace Complaints.Intake.Domain;

/// <summary>A representative's details after validation.</summary>
public sealed record ValidRepresentative(string Name, string? Organisation, string? Email, string? Phone, string Authority);

/// <summary>A complainant's contact details after validation (all null for an anonymous complaint but language and time zone).</summary>
public sealed record ValidContact(string? Name, string? Email, string? Phone, string? MemberNumber, string Language, string? TimeZone,
    PreferredContactChannel PreferredChannel = PreferredContactChannel.Unspecified, string? PostalAddress = null);

/// <summary>A submission after validation and normalisation (NFC, trimmed, taxonomy ids).</summary>
public sealed record ValidSubmission(
    string IdempotencyKey,
    Channel Channel,
    ComplainantKind Kind,
    ValidContact Contact,
    TaxonomyCategory Category,
    string? Subcategory,
    string Subject,
    string Description,
    string? RemedySought,
    bool Confidential,
    Jurisdiction Jurisdiction,
    ValidRepresentative? Representative,
    string? ReceivedBy,
    DateOnly? EventDate,
    decimal? Amount,
    string? Currency,
    bool ConsentContact,
    bool ConsentPublication)
{
    public bool HasContact => Kind != ComplainantKind.Anonymous && (Contact.Email is not null || Contact.Phone is not null);
}

public static partial class ComplaintValidation
{
    public const int SubjectMax = 200;
    public const int DescriptionMax = 20_000;
    public const int RemedySoughtMax = 2_000;
    public const int NameMax = 200;
    public const int EmailMax = 254;
    public const int IdempotencyKeyMax = 128;
    public const int ShortTextMax = 200;
    public const int AuthorityMax = 1_000;
    public const int PostalAddressMax = 1_000;

    /// <summary>Checks every field and throws one ValidationException naming each bad field (proto JSON names).</summary>
    public static ValidSubmission Validate(SubmitComplaintRequest r, Taxonomy taxonomy, DateOnly today)
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
        var kind = r.ComplainantKind == ComplainantKind.Unspecified ? ComplainantKind.Customer : r.ComplainantKind;
        if (!Enum.IsDefined(r.ComplainantKind))
        {
            v.Add("complainantKind", "must be one of " + string.Join(", ", EnumNames<ComplainantKind>(skipZero: false)));
        }

        var person = ValidateComplainant(v, r.Complainant, kind);
        var representative = ValidateRepresentative(v, r.Representative, r.Channel == Channel.Representative);

        var category = taxonomy.Find(r.Category);
        string? subcategory = null;
        if (string.IsNullOrWhiteSpace(r.Category))
        {
            v.Add("category", "is required");
        }
        else if (category is null)
        {
            v.Add("category", "must be one of " + string.Join(", ", taxonomy.Categories.Select(c => c.Id)));
        }
        else if (!string.IsNullOrWhiteSpace(r.Subcategory))
        {
            subcategory = Taxonomy.FindSubcategory(category, r.Subcategory)?.Id;
            if (subcategory is null)
            {
                v.Add("subcategory", category.Subcategories.Count == 0
                    ? $"category {category.Id} has no subcategories"
                    : $"must be one of {string.Join(", ", category.Subcategories.Select(s => s.Id))} for category {category.Id}");
            }
        }

        var subject = v.Text("subject", r.Subject?.Trim(), 1, SubjectMax);
        var description = v.Text("description", r.Description, 1, DescriptionMax);
        var remedy = v.Text("remedySought", r.RemedySought, 0, RemedySoughtMax);
        var receivedBy = Optional(v.Text("receivedBy", r.ReceivedBy?.Trim(), 0, ShortTextMax, allowNewlines: false));
        var eventDate = ValidateEventDate(v, r.EventDate, today);
        var (amount, currency) = ValidateMoney(v, r.AmountInDispute);
        v.ThrowIfInvalid();

        return new ValidSubmission(key, r.Channel, kind, person, category!, subcategory, subject, description, Optional(remedy),
            r.Confidential, r.Jurisdiction, representative, receivedBy, eventDate, amount, currency,
            r.Consent?.Contact ?? false, r.Consent?.Publication ?? false);
    }

    /// <summary>New contact details from the complainant, checked as on submission.</summary>
    public static ValidContact ValidateContact(Complainant? c, ComplainantKind kind)
    {
        var v = new Validator();
        var p = ValidateComplainant(v, c, kind);
        v.ThrowIfInvalid();
        return p;
    }

    private static ValidContact ValidateComplainant(Validator v, Complainant? c, ComplainantKind kind)
    {
        var language = "en";
        string? timeZone = null;
        if (c is not null && !string.IsNullOrWhiteSpace(c.PreferredLanguage))
        {
            if (TryLanguage(c.PreferredLanguage.Trim(), out var normalized))
            {
                language = normalized;
            }
            else
            {
                v.Add("complainant.preferredLanguage", "must be a BCP 47 language tag, e.g. en, ko, bg-BG");
            }
        }
        if (c is not null && !string.IsNullOrWhiteSpace(c.TimeZone))
        {
            timeZone = c.TimeZone.Trim();
            if (!IsIanaTimeZone(timeZone))
            {
                v.Add("complainant.timeZone", "must be an IANA time zone, e.g. Europe/London, Asia/Seoul");
            }
        }

        if (c is not null && !Enum.IsDefined(c.PreferredContactChannel))
        {
            v.Add("complainant.preferredContactChannel", "must be one of " + string.Join(", ", EnumNames<PreferredContactChannel>(skipZero: false)));
        }

        if (kind == ComplainantKind.Anonymous)
        {
            // Language and time zone only serve the tracking page; nothing identifying is kept.
            if (c is not null && (!string.IsNullOrWhiteSpace(c.Name) || !string.IsNullOrWhiteSpace(c.Email)
                || !string.IsNullOrWhiteSpace(c.Phone) || !string.IsNullOrWhiteSpace(c.MemberNumber) || !string.IsNullOrWhiteSpace(c.PostalAddress)))
            {
                v.Add("complainant", "must not carry a name, email, phone, member number or postal address for an anonymous complaint");
            }
            if (c is not null && c.PreferredContactChannel != PreferredContactChannel.Unspecified && Enum.IsDefined(c.PreferredContactChannel))
            {
                v.Add("complainant.preferredContactChannel", "must be left unspecified for an anonymous complaint: there is nobody to contact");
            }
            return new ValidContact(null, null, null, null, language, timeZone);
        }
        if (c is null)
        {
            v.Add("complainant", "is required (or set complainantKind to COMPLAINANT_KIND_ANONYMOUS)");
            return new ValidContact(null, null, null, null, language, timeZone);
        }

        var name = v.Text("complainant.name", c.Name?.Trim(), 1, NameMax, allowNewlines: false);
        var (email, phone) = ContactPoints(v, "complainant", c.Email, c.Phone);
        var postal = Optional(v.Text("complainant.postalAddress", c.PostalAddress?.Trim().ReplaceLineEndings("\n"), 0, PostalAddressMax));
        // The channel the complainant prefers needs its address: named on the missing field, which the form shows.
        var preferred = c.PreferredContactChannel;
        var missing = preferred switch
        {
            // Without email and phone, "complainant.email" is already named (one of the two is required).
            PreferredContactChannel.Email when email is null && phone is not null => "complainant.email",
            PreferredContactChannel.Phone or PreferredContactChannel.Sms when phone is null => "complainant.phone",
            PreferredContactChannel.Post when postal is null => "complainant.postalAddress",
            _ => null,
        };
        if (missing is not null)
        {
            v.Add(missing, $"is required when the preferred contact channel is {ProtoEnums.Name(preferred)}");
        }
        string? member = null;
        if (kind == ComplainantKind.Member)
        {
            member = v.Text("complainant.memberNumber", c.MemberNumber?.Trim(), 1, 64, allowNewlines: false);
        }
        else if (!string.IsNullOrWhiteSpace(c.MemberNumber))
        {
            member = v.Text("complainant.memberNumber", c.MemberNumber.Trim(), 1, 64, allowNewlines: false);
        }
        return new ValidContact(name, email, phone, Optional(member), language, timeZone,
            Enum.IsDefined(preferred) ? preferred : PreferredContactChannel.Unspecified, postal);
    }

    private static ValidRepresentative? ValidateRepresentative(Validator v, Representative? r, bool required)
    {
        if (r is null)
        {
            if (required)
            {
                v.Add("representative", "is required for CHANNEL_REPRESENTATIVE: who files, and their authority to act");
            }
            return null;
        }
        var name = v.Text("representative.name", r.Name?.Trim(), 1, NameMax, allowNewlines: false);
        var organisation = v.Text("representative.organisation", r.Organisation?.Trim(), 0, ShortTextMax, allowNewlines: false);
        var authority = v.Text("representative.authority", r.Authority?.Trim(), 1, AuthorityMax);
        var (email, phone) = ContactPoints(v, "representative", r.Email, r.Phone);
        return new ValidRepresentative(name, Optional(organisation), email, phone, authority);
    }

    /// <summary>Email and phone: at least one, each well formed.</summary>
    private static (string? Email, string? Phone) ContactPoints(Validator v, string prefix, string? rawEmail, string? rawPhone)
    {
        var email = Optional(rawEmail?.Trim());
        var phone = Optional(rawPhone?.Trim());
        if (email is null && phone is null)
        {
            v.Add($"{prefix}.email", "is required (or a phone number)");
        }
        if (email is not null && !IsEmail(email))
        {
            v.Add($"{prefix}.email", "must be a valid email address");
        }
        if (phone is not null)
        {
            phone = PhoneSeparators().Replace(phone, string.Empty);
            if (!E164().IsMatch(phone))
            {
                v.Add($"{prefix}.phone", "must be an international number in E.164 form, e.g. +447700900123");
            }
        }
        return (email, phone);
    }

    private static DateOnly? ValidateEventDate(Validator v, string? raw, DateOnly today)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }
        if (!DateOnly.TryParseExact(raw.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            v.Add("eventDate", "must be a date in the form YYYY-MM-DD");
            return null;
        }
        // A day of slack: the complainant's calendar may be ahead of UTC.
        if (date > today.AddDays(1))
        {
            v.Add("eventDate", "must not be in the future");
        }
        return date;
    }

    private static (decimal? Amount, string? Currency) ValidateMoney(Validator v, Money? money) =>
        v.Money("amountInDispute", money?.Amount, money?.Currency);

    private static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    internal static bool IsEmail(string value) =>
        value.Length <= EmailMax
        && MailAddress.TryCreate(value, out var parsed)
        && parsed.Address == value
        && SimpleEmail().IsMatch(value);

    private static bool IsIanaTimeZone(string id) =>
        (id == "UTC" || id.Contains('/')) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    /// <summary>Shaped like a BCP 47 tag ("ko", "bg-BG", "zh-Hant-TW"), whether or not a culture exists for it.</summary>
    internal static bool IsLanguageTag(string? tag) => tag is not null && LanguageTag().IsMatch(tag);

    internal static bool TryLanguage(string tag, out string normalized)
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
    internal static partial Regex IdempotencyKeyPattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();

    [GeneratedRegex(@"[\s().\-]")]
    private static partial Regex PhoneSeparators();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex SimpleEmail();

    [GeneratedRegex(@"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
    private static partial Regex LanguageTag();
}

using System.Globalization;
using System.Text.RegularExpressions;
using Complaints.Common.V1;
using Complaints.Intake.V1;

namespace Complaints.Web.Portal.Submit;

/// <summary>
/// The submit form's fields as posted (strings, as typed), by their HTML names. The page renders them back after an
/// error; <see cref="ToRequest"/> turns them into Intake's request.
/// </summary>
public sealed partial class SubmitForm
{
    public const string Customer = "customer";
    public const string Member = "member";
    public const string Anonymous = "anonymous";

    public static readonly IReadOnlyList<string> Kinds = [Customer, Member, Anonymous];

    public static readonly IReadOnlyList<string> ContactChannels = ["email", "phone", "sms", "post"];

    /// <summary>The HTML field names read from a post; anything else is ignored.</summary>
    public static readonly IReadOnlySet<string> FieldNames = new HashSet<string>(StringComparer.Ordinal)
    {
        "kind", "memberNumber", "name", "email", "phone", "language", "timeZone", "contactChannel", "postalAddress",
        "category", "subcategory", "subject", "description", "remedy", "amount", "currency", "eventDate",
        "confidential", "consentContact", "consentPublication", "onBehalf",
        "repName", "repOrganisation", "repEmail", "repPhone", "repAuthority",
    };

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string this[string name]
    {
        get => _values.TryGetValue(name, out var value) ? value : string.Empty;
        set => _values[name] = value;
    }

    public bool IsChecked(string name) => this[name] is "on" or "true";

    public string Kind => Kinds.Contains(this["kind"]) ? this["kind"] : Customer;

    public bool IsAnonymous => Kind == Anonymous;

    public bool OnBehalf => IsChecked("onBehalf");

    public PreferredContactChannel ContactChannel => this["contactChannel"] switch
    {
        "email" => PreferredContactChannel.Email,
        "phone" => PreferredContactChannel.Phone,
        "sms" => PreferredContactChannel.Sms,
        "post" => PreferredContactChannel.Post,
        _ => PreferredContactChannel.Unspecified,
    };

    /// <summary>The subcategory's own id: the option values are "category/subcategory", unique across categories.</summary>
    public string SubcategoryId => this["subcategory"] is { Length: > 0 } value && value.IndexOf('/') is var slash and >= 0
        ? value[(slash + 1)..]
        : this["subcategory"];

    /// <summary>A fresh form: the page's language, its usual time zone and currency.</summary>
    public static SubmitForm Fresh(string language, string timeZone, string currency)
    {
        var form = new SubmitForm();
        form["kind"] = Customer;
        form["language"] = language;
        form["timeZone"] = timeZone;
        form["currency"] = currency;
        form["contactChannel"] = "email";
        return form;
    }

    /// <summary>
    /// Intake's request (channel WEB, or REPRESENTATIVE when filed on someone's behalf). An anonymous complaint sends
    /// no contact fields, whatever was typed (the page says they are not kept); an amount is sent with its currency.
    /// </summary>
    public SubmitComplaintRequest ToRequest(string idempotencyKey)
    {
        var request = new SubmitComplaintRequest
        {
            IdempotencyKey = idempotencyKey,
            Channel = OnBehalf ? Channel.Representative : Channel.Web,
            ComplainantKind = Kind switch
            {
                Member => ComplainantKind.Member,
                Anonymous => ComplainantKind.Anonymous,
                _ => ComplainantKind.Customer,
            },
            Category = this["category"],
            Subcategory = SubcategoryId,
            Subject = this["subject"],
            Description = this["description"],
            RemedySought = this["remedy"],
            EventDate = this["eventDate"].Trim(),
            Confidential = IsChecked("confidential"),
            Consent = new Consent { Contact = IsChecked("consentContact"), Publication = IsChecked("consentPublication") },
            Complainant = IsAnonymous
                ? new Complainant { PreferredLanguage = this["language"], TimeZone = this["timeZone"] }
                : new Complainant
                {
                    Name = this["name"],
                    Email = this["email"].Trim(),
                    Phone = this["phone"].Trim(),
                    MemberNumber = Kind == Member ? this["memberNumber"] : string.Empty,
                    PreferredLanguage = this["language"],
                    TimeZone = this["timeZone"],
                    PreferredContactChannel = ContactChannel,
                    // Kept only when letters are wanted: the field is not asked for otherwise.
                    PostalAddress = ContactChannel == PreferredContactChannel.Post ? this["postalAddress"] : string.Empty,
                },
        };
        if (this["amount"].Trim().Length > 0)
        {
            request.AmountInDispute = new Money { Amount = NormalizeAmount(this["amount"], CultureInfo.CurrentCulture), Currency = this["currency"] };
        }
        if (OnBehalf)
        {
            request.Representative = new Representative
            {
                Name = this["repName"],
                Organisation = this["repOrganisation"],
                Email = this["repEmail"].Trim(),
                Phone = this["repPhone"].Trim(),
                Authority = this["repAuthority"],
            };
        }
        return request;
    }

    /// <summary>
    /// An amount as the reader writes it ("1 234,50" in Bulgarian, "1,234.50" in English) as Intake reads it
    /// ("1234.50"). Left as typed when it is not a plain number, so Intake's error names it.
    /// </summary>
    public static string NormalizeAmount(string typed, CultureInfo culture)
    {
        var text = Spaces().Replace(typed, string.Empty).Replace("'", string.Empty, StringComparison.Ordinal);
        if (!AmountShape().IsMatch(text))
        {
            return typed.Trim();
        }
        var lastDot = text.LastIndexOf('.');
        var lastComma = text.LastIndexOf(',');
        char? decimalMark = null;
        if (lastDot >= 0 && lastComma >= 0)
        {
            decimalMark = lastDot > lastComma ? '.' : ',';
        }
        else if (lastDot >= 0 || lastComma >= 0)
        {
            var mark = lastDot >= 0 ? '.' : ',';
            var single = text.Count(c => c == mark) == 1;
            var digitsAfter = text.Length - text.LastIndexOf(mark) - 1;
            // "1,234" is a thousand where the comma groups digits, and 1.234 where it is the decimal mark.
            var groups = culture.NumberFormat.NumberGroupSeparator.Contains(mark) && digitsAfter == 3;
            decimalMark = single && !groups ? mark : null;
        }
        var integer = decimalMark is { } d ? text[..text.LastIndexOf(d)] : text;
        var fraction = decimalMark is { } m ? text[(text.LastIndexOf(m) + 1)..] : string.Empty;
        integer = integer.Replace(".", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal);
        return fraction.Length > 0 ? $"{integer}.{fraction}" : integer;
    }

    [GeneratedRegex(@"\s")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^[0-9]+([.,][0-9]+)*$")]
    private static partial Regex AmountShape();
}

using System.Globalization;
using System.Text.RegularExpressions;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Localization;

namespace Complaints.Web.Portal.Submit;

/// <summary>
/// Intake's field violations (google.rpc.BadRequest, proto JSON paths like "complainant.email", English descriptions)
/// as the page shows them: beside the form's own field, in the page's language. Intake's English is never shown; a
/// violation this table does not know still lands beside its field (or in the summary) with a general message.
/// </summary>
public sealed partial class IntakeFieldErrors(IStringLocalizer<SubmitTexts> texts)
{
    /// <summary>Intake's field path → the form's field name.</summary>
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["complainantKind"] = "kind",
        ["complainant"] = "name",
        ["complainant.name"] = "name",
        ["complainant.email"] = "email",
        ["complainant.phone"] = "phone",
        ["complainant.memberNumber"] = "memberNumber",
        ["complainant.preferredLanguage"] = "language",
        ["complainant.timeZone"] = "timeZone",
        ["complainant.preferredContactChannel"] = "contactChannel",
        ["complainant.postalAddress"] = "postalAddress",
        ["category"] = "category",
        ["subcategory"] = "subcategory",
        ["subject"] = "subject",
        ["description"] = "description",
        ["remedySought"] = "remedy",
        ["eventDate"] = "eventDate",
        ["amountInDispute"] = "amount",
        ["amountInDispute.amount"] = "amount",
        ["amountInDispute.currency"] = "currency",
        ["representative"] = "repName",
        ["representative.name"] = "repName",
        ["representative.organisation"] = "repOrganisation",
        ["representative.email"] = "repEmail",
        ["representative.phone"] = "repPhone",
        ["representative.authority"] = "repAuthority",
    };

    /// <summary>Puts each violation of an InvalidArgument answer on the page state; false when it carried none.</summary>
    public bool AddTo(SubmitPageState state, RpcException error)
    {
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        if (badRequest is null || badRequest.FieldViolations.Count == 0)
        {
            return false;
        }
        foreach (var violation in badRequest.FieldViolations)
        {
            if (Fields.TryGetValue(violation.Field, out var field))
            {
                state.AddError(field, Message(field, violation.Description));
            }
            else
            {
                // idempotencyKey, channel, jurisdiction: nothing the complainant typed.
                state.GeneralErrors.Add(texts["ErrorNotAccepted"]);
            }
        }
        return true;
    }

    /// <summary>The localized message for one of Intake's descriptions of a field.</summary>
    public string Message(string field, string description)
    {
        var label = texts["Label_" + field].Value;
        if (description.StartsWith("is required (or a phone number)", StringComparison.Ordinal))
        {
            return texts["Error_EmailOrPhone"];
        }
        if (description.StartsWith("is required when the preferred contact channel", StringComparison.Ordinal))
        {
            return texts[field switch
            {
                "email" => "Error_ChannelNeedsEmail",
                "phone" => "Error_ChannelNeedsPhone",
                _ => "Error_Required_postalAddress",
            }];
        }
        if (description.StartsWith("is required", StringComparison.Ordinal))
        {
            return Specific("Error_Required_" + field) ?? texts["Error_Required", label];
        }
        if (AtMost().Match(description) is { Success: true } atMost)
        {
            return texts["Error_TooLong", label, int.Parse(atMost.Groups[1].Value, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.CurrentCulture)];
        }
        if (description.Contains("control characters", StringComparison.Ordinal))
        {
            return texts["Error_ControlCharacters", label];
        }
        if (field == "eventDate" && description.Contains("future", StringComparison.Ordinal))
        {
            return texts["Error_Invalid_eventDate_future"];
        }
        if (field == "amount" && description.StartsWith("has more decimals", StringComparison.Ordinal))
        {
            return texts["Error_Invalid_amount_decimals"];
        }
        if (field == "amount" && description.StartsWith("must be greater than zero", StringComparison.Ordinal))
        {
            return texts["Error_Invalid_amount_range"];
        }
        return Specific("Error_Invalid_" + field) ?? texts["Error_Invalid", label];
    }

    private string? Specific(string key) => texts[key] is { ResourceNotFound: false } text ? text.Value : null;

    [GeneratedRegex(@"must be at most (\d+) characters")]
    private static partial Regex AtMost();
}

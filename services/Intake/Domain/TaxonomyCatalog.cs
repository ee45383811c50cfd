using Complaints.Intake.V1;
using Complaints.ServiceDefaults.Errors;
using Microsoft.Extensions.Options;

namespace Complaints.Intake.Domain;

/// <summary>
/// The configured taxonomy as a complaint form needs it: codes and labels in the caller's language (English where the
/// taxonomy has none in it), with the default jurisdiction and the attachment limits, so no client hard-codes them.
/// </summary>
public sealed class TaxonomyCatalog(Taxonomy taxonomy, IOptions<IntakeOptions> options)
{
    public GetTaxonomyResponse Get(GetTaxonomyRequest request)
    {
        var requested = request.Language?.Trim() ?? "";
        if (requested.Length > 0 && !ComplaintValidation.IsLanguageTag(requested))
        {
            throw new ValidationException("language", "must be a BCP 47 language tag, e.g. en, ko, bg-BG");
        }
        var language = taxonomy.LanguageFor(requested);
        var o = options.Value;
        var response = new GetTaxonomyResponse
        {
            Name = taxonomy.Name,
            Language = language,
            DefaultJurisdiction = o.DefaultJurisdictionValue,
            AttachmentLimits = new UploadLimits
            {
                MaxPerSubmission = o.MaxAttachmentsPerSubmission,
                MaxBytesPerFile = o.MaxAttachmentBytes,
                MaxPerComplaint = o.MaxAttachmentsPerComplaint,
                AcceptedContentTypes = { ContentSniffer.Accepted },
            },
        };
        response.Categories.AddRange(taxonomy.Categories.Select(c => new CategoryOption
        {
            Code = c.Id,
            Label = c.LabelIn(language),
            Subcategories = { c.Subcategories.Select(s => new SubcategoryOption { Code = s.Id, Label = s.LabelIn(language) }) },
        }));
        return response;
    }
}

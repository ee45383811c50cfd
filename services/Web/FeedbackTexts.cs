namespace Complaints.Web;

/// <summary>
/// The words of the survey, suggestion box and message preference pages: Resources/FeedbackTexts.resx (en),
/// FeedbackTexts.ko.resx, FeedbackTexts.bg.resx.
/// </summary>
public sealed class FeedbackTexts;

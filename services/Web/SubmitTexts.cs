namespace Complaints.Web;

/// <summary>The submit journey's words, per language: Resources/SubmitTexts.resx (en), SubmitTexts.ko.resx, SubmitTexts.bg.resx.</summary>
public sealed class SubmitTexts;

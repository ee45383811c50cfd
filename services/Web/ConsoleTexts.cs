namespace Complaints.Web;

/// <summary>The staff console's words, per language: Resources/ConsoleTexts.resx (en), ConsoleTexts.ko.resx, ConsoleTexts.bg.resx.</summary>
public sealed class ConsoleTexts;

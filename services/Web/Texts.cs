namespace Complaints.Web;

/// <summary>The portal's words, per language: Resources/Texts.resx (en), Texts.ko.resx, Texts.bg.resx.</summary>
public sealed class Texts;

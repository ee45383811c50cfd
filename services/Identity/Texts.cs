namespace Complaints.Identity;

/// <summary>The sign-in pages' words, per language: Resources/Texts.resx (en), Texts.ko.resx, Texts.bg.resx.</summary>
public sealed class Texts;

namespace Complaints.Web;

/// <summary>
/// The words of the follow pages (follow, answer, withdraw, reopen, lost code, live updates), per language:
/// Resources/FollowTexts.resx (en), FollowTexts.ko.resx, FollowTexts.bg.resx.
/// </summary>
public sealed class FollowTexts;

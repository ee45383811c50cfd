using Complaints.Common.V1;
using Complaints.Notifications.Domain;
using Complaints.Notifications.V1;
using Complaints.ServiceDefaults.Auth;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Complaints.Notifications.Grpc;

/// <summary>
/// Public: the complainant's preferences for the web portal's page. No login: the link's token is the proof, so the
/// authorisation table admits anyone (and refuses a partner token or one that does not validate).
/// </summary>
[Authorize(Policy = Policies.StaffTable)]
public sealed class PreferenceGrpcService(Preferences preferences) : PreferenceService.PreferenceServiceBase
{
    public override async Task<GetPreferencesResponse> GetPreferences(GetPreferencesRequest request, ServerCallContext context) =>
        new() { Preferences = Map(await preferences.ViewAsync(request.Token, context.CancellationToken)) };

    public override async Task<UnsubscribeResponse> Unsubscribe(UnsubscribeRequest request, ServerCallContext context) =>
        new() { Preferences = Map(await preferences.ChangeAndViewAsync(new PreferenceChange(request.Token, null, null, null, OptedOut: true), context.CancellationToken)) };

    public override async Task<SetPreferencesResponse> SetPreferences(SetPreferencesRequest request, ServerCallContext context) =>
        new()
        {
            Preferences = Map(await preferences.ChangeAndViewAsync(new PreferenceChange(request.Token,
                request.HasEmail ? request.Email : null,
                request.HasSms ? request.Sms : null,
                request.HasPush ? request.Push : null,
                request.HasUnsubscribed ? request.Unsubscribed : null), context.CancellationToken)),
        };

    private static readonly DeliveryChannel[] Channels = [DeliveryChannel.Email, DeliveryChannel.Sms, DeliveryChannel.Push];

    private static ComplaintPreferences Map(PreferenceView view)
    {
        var c = view.Channels;
        var result = new ComplaintPreferences
        {
            Reference = view.Reference,
            Language = view.Language,
            Email = c.Email,
            Sms = c.Sms,
            Push = c.Push,
            Unsubscribed = c.OptedOut,
        };
        // Messages sent only when asked for (a new tracking code) are no subscription: not listed.
        result.Kinds.AddRange(TemplateKinds.All.Where(k => k.Audience == Audience.Complainant && !k.OnRequest).Select(k => new KindPreference
        {
            Kind = k.Kind,
            Required = k.Statutory,
            On = Channels.Any(channel => Preferences.Sends(k, channel, c)),
        }));
        return result;
    }
}

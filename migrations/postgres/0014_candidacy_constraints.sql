-- One open candidacy per practice and call (on the hub and on the proposing instance): a
-- second Offer of the same practice to the same call, while the first is not decided, is a
-- duplicate. Duplicates from before are closed first, the oldest candidacy kept.
UPDATE candidacies SET status = 'closed', message = 'a duplicate candidacy to the same call'
WHERE status NOT IN ('recognised', 'rejected', 'closed')
  AND EXISTS (
    SELECT 1 FROM candidacies c2
    WHERE c2.call_ap_id = candidacies.call_ap_id
      AND c2.practice_id = candidacies.practice_id
      AND c2.status NOT IN ('recognised', 'rejected', 'closed')
      AND c2.id < candidacies.id
  );
CREATE UNIQUE INDEX candidacies_open_per_call ON candidacies (call_ap_id, practice_id)
WHERE status NOT IN ('recognised', 'rejected', 'closed');

-- The public candidacy document (/candidacies/{key}), a call's recognitions (every GET of a
-- call), the candidacies of an organisation (its managers' lists).
CREATE INDEX candidacies_ap_id ON candidacies (ap_id);
CREATE INDEX recognitions_call ON recognitions (call_ap_id);
CREATE INDEX candidacies_organization ON candidacies (organization_id);

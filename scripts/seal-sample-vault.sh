#!/usr/bin/env bash
# Re-create the sample vault.yml with the demo passphrases documented in README.md.
# DEMO ONLY: these passphrases and values are public; never reuse them.
set -euo pipefail
cd "$(dirname "$0")/.."
RELEVE="${RELEVE:-.venv/bin/releve}"
declare -A PASS=(
  [marie]="marie-demo-erable-riviere-lanterne"
  [samir]="samir-demo-cedre-boussole-marmite"
  [julie]="julie-demo-huard-tuque-galet"
  [elodie]="élodie-démo-bouleau-fanal-grève"
)
rm -f vault.yml
"$RELEVE" vault init >/dev/null

# Format 2: each person enrols herself once (a key pair, the private key sealed
# under her own passphrase); grants then need only the granter's passphrase.
for person in marie samir julie elodie; do
  RELEVE_NEW_PASSPHRASE="${PASS[$person]}" "$RELEVE" vault enroll --as "$person" >/dev/null
done

add() {  # add ID AUDIENCE PERSON DATE LABEL URL FIELD VALUE
  printf '%s' "$8" | RELEVE_TODAY="$4" RELEVE_PASSPHRASE="${PASS[$3]}" \
    "$RELEVE" vault add "$1" --audience "$2" --as "$3" --label "$5" --url "$6" --field "$7"
}
grant() {  # grant AUDIENCE FROM TO
  RELEVE_PASSPHRASE="${PASS[$2]}" \
    "$RELEVE" vault grant --audience "$1" --as "$2" --to "$3" >/dev/null
}

add boite-partagee agenda julie 2026-09-08 "Gmail — boîte partagée equipe@example.ca" \
  https://mail.google.com/ identifiant "equipe@example.ca"
add boite-partagee agenda julie 2026-09-08 "Gmail — boîte partagée equipe@example.ca" \
  https://mail.google.com/ password "DEMO-ONLY-gmail-Boite-7421"
add agenda-clinique agenda julie 2026-10-01 "Logiciel de rendez-vous — Clinique dentaire de la Rivière" \
  https://rendezvous.clinique-riviere.example/ password "DEMO-ONLY-clinique-Agenda-3318"
add messagerie-vocale agenda julie 2026-08-25 "Portail de téléphonie (boîtes vocales des clients)" \
  https://telephonie.example.net/ password "DEMO-ONLY-voix-Portail-5590"
grant agenda julie samir
grant agenda julie elodie

add logiciel-facturation comptabilite marie 2026-10-19 "QuickBooks Online — Rénovations Bélanger inc." \
  https://qbo.intuit.com/ password "DEMO-ONLY-qbo-Factures-8812"
add banque-operations comptabilite marie 2026-10-02 "AccèsD Affaires — compte d'opérations Bélanger (consultation)" \
  https://www.desjardins.com/ password "DEMO-ONLY-accesd-Consult-2046"
grant comptabilite marie samir

add meta-business social elodie 2026-09-03 "Meta Business Suite — pages Facebook et Instagram des clients" \
  https://business.facebook.com/ password "DEMO-ONLY-meta-Pages-6675"
grant social elodie julie

add drive-clients direction marie 2026-11-16 "Google Drive — dossier « Clients » (partagé)" \
  https://drive.google.com/ password "DEMO-ONLY-drive-Clients-9043"
grant direction marie elodie

"$RELEVE" vault check

import type { Kysely } from "kysely";
import type { Database } from "#db/schema.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { writeDemoKit, type DemoKit } from "#app/server/demo-kit.server.ts";
import { hashPassword } from "#app/server/password.server.ts";
import { ensurePlatformPki } from "#app/server/pki/platform-pki.server.ts";
import { addMember, createOrganisation, createPerson } from "#test/factories/organisations.ts";
import { actorOf } from "#test/factories/tendering.ts";
import { biddingSteps } from "./bids.ts";
import { createGuaranteeProduct } from "#app/services/guarantee/guarantee-products.server.ts";
import {
  DEMO_BACKUP_PASSWORD,
  DEMO_GUARANTEE_PRODUCT,
  DEMO_KEY_BIDDERS,
  DEMO_ORGANISATIONS,
  DEMO_PASSWORD,
  isEmptyDatabase,
} from "./demo.ts";
import { enrolDemoMember, makeKey, type DemoKeyHolder } from "./keys.ts";
import { finishedOpeningSteps, readyToOpenSteps } from "./opening.ts";
import { demoDeadlines, metaOf, type DemoParty, type DemoScene } from "./scene.ts";
import { lawfulDemoDates, publicationOf, tenderingSteps } from "./tendering.ts";
import { beijing, days, minutes, runStory, type StoryStep } from "./timeline.ts";

/**
 * Loads the demo world into an empty database (embedded mode's first start); does nothing and
 * returns null otherwise. The organisations and people are set up directly (factories); the rest
 * is a story told through the real services at simulated past instants (decision 36): the
 * platform CA, the demo bidders' certificates, the project and its registrations, sealed bids,
 * and one opening from sign-in to its signed opening record. The demo bidders' PKCS#12 backups go
 * to the data directory for the development page. Returns what the kit records.
 */
export async function seedDemo(app: AppContext): Promise<DemoKit | null> {
  if (!(await isEmptyDatabase(app.db))) return null;
  const startedAt = app.clock.now();
  const published = publicationOf(startedAt);
  const scene = {
    startedAt,
    projectCode: `E350100${startedAt.getUTCFullYear()}000001`,
    deadlines: demoDeadlines(startedAt),
    lawful: await lawfulDemoDates(app, published),
  };
  const pkiAt = beijing(published, -3, "08:30");

  // The slowest part, three RSA-3072 key pairs, starts at once on the thread pool and runs beside
  // the password hash, the organisations and the platform CA's own keys; each enrolment step
  // waits for its key. (Nothing is cached between data directories: these are private keys.)
  const keyPeople = DEMO_KEY_BIDDERS.map((k) => DEMO_ORGANISATIONS.find((o) => o.key === k)!.people[0]!);
  const pendingKeys = keyPeople.map((p) => makeKey(p.name));
  pendingKeys.forEach((k) => k.catch(() => {})); // awaited by the steps; a failure surfaces there
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const people = await seedOrganisations(app.db, passwordHash, { founded: days(pkiAt, -1), pendingSince: days(startedAt, -1) });

  const party = async (key: string): Promise<DemoParty> => ({ actor: await actorOf(app.db, people.get(key)!), meta: metaOf(key) });
  const parties = new Map<string, DemoParty>();
  for (const key of ["agency", "bidder1", "bidder2", "bidder3", "bidder4"]) parties.set(key, await party(key));
  const keys = new Map<string, DemoKeyHolder>();
  const full: DemoScene = {
    ...scene,
    agency: parties.get("agency")!,
    tendererOrganisationId: (await actorOf(app.db, people.get("tenderer")!)).membership.organisationId,
    bidder: (key) => parties.get(key) ?? fail(`no demo party ${key}`),
    keys,
    holder: (key) => keys.get(key) ?? fail(`no demo key holder ${key}`),
    sectionIds: {},
  };

  const finishedDeadline = scene.lawful.finishedDeadline;
  const steps: StoryStep[] = [
    { at: pkiAt, name: "the platform CA is created", run: (past) => ensurePlatformPki(past) },
    ...DEMO_KEY_BIDDERS.map((key, i) => ({
      at: minutes(pkiAt, 60 + 10 * i),
      name: `${key}'s person enrols a certificate`,
      async run(past: AppContext) {
        keys.set(
          key,
          await enrolDemoMember(past, { ...parties.get(key)!, key: await pendingKeys[i]!, backupPassword: DEMO_BACKUP_PASSWORD }),
        );
      },
    })),
    // The demo guarantor's bid guarantee product, so the portal and the bidders' choice of guarantor are not empty (decision 0070).
    {
      at: minutes(pkiAt, 120),
      name: "the guarantor offers a bid guarantee",
      async run(past: AppContext) {
        await createGuaranteeProduct(past, {
          actor: await actorOf(past.db, people.get("guarantor")!),
          input: DEMO_GUARANTEE_PRODUCT,
          meta: metaOf("guarantor"),
        });
      },
    },
    ...tenderingSteps(full),
    ...biddingSteps(full, "finished", finishedDeadline),
    ...finishedOpeningSteps(full, finishedDeadline),
    ...biddingSteps(full, "readyToOpen", scene.deadlines.readyToOpen),
    ...readyToOpenSteps(full, scene.deadlines.readyToOpen),
  ];
  await runStory(app, steps, startedAt);

  return writeDemoKit(
    app.config,
    {
      seededAt: startedAt.toISOString(),
      backupPassword: DEMO_BACKUP_PASSWORD,
      projectId: full.projectId!,
      sections: {
        today: full.sectionIds.today!,
        nextWeek: full.sectionIds.nextWeek!,
        readyToOpen: full.sectionIds.readyToOpen!,
        finished: full.sectionIds.finished!,
      },
    },
    DEMO_KEY_BIDDERS.map((key) => {
      const h = keys.get(key)!;
      const person = DEMO_ORGANISATIONS.find((o) => o.key === key)!.people[0]!;
      return {
        entry: {
          slug: key,
          email: person.email,
          personName: h.certificate.personName,
          organisationName: h.certificate.organisationName,
          organisationUscc: h.actor.membership.organisationUscc,
          serialHex: h.certificate.serialHex,
          notAfter: h.certificate.notAfter.toISOString(),
        },
        bytes: h.backup,
      };
    }),
  );
}

function fail(message: string): never {
  throw new Error(message);
}

/** Every demo organisation with its people, in one transaction; returns person ids by organisation key (first person). */
async function seedOrganisations(
  db: Kysely<Database>,
  passwordHash: string,
  at: { founded: Date; pendingSince: Date },
): Promise<Map<string, string>> {
  const people = new Map<string, string>();
  await db.transaction().execute(async (trx) => {
    for (const o of DEMO_ORGANISATIONS) {
      const now = o.status === "pending" ? at.pendingSince : at.founded;
      const org = await createOrganisation(trx, {
        name: o.name,
        uscc: o.uscc,
        kinds: o.kinds,
        regionCode: o.regionCode,
        status: o.status,
        now,
      });
      for (const p of o.people) {
        const person = await createPerson(trx, { name: p.name, email: p.email, passwordHash, now });
        await addMember(trx, { organisationId: org.id, personId: person.id, roles: p.roles, now });
        if (!people.has(o.key)) people.set(o.key, person.id);
      }
      if (o.jurisdiction?.length)
        await trx
          .insertInto("regulator_jurisdictions")
          .values(
            o.jurisdiction.map((j) => ({
              organisation_id: org.id,
              region_code: j.regionCode,
              procurement_type: j.procurementType,
              industry: j.industry,
              declared_by: people.get(o.key)!,
              declared_at: now,
            })),
          )
          .execute();
    }
  });
  return people;
}

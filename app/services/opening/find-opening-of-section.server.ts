import { AppError } from "#app/domain/shared/app-error.ts";
import type { AppContext } from "#app/server/context.server.ts";
import { ensureOpening } from "#app/server/repo/openings.server.ts";
import { findSection } from "#app/server/repo/tendering.server.ts";

/**
 * The opening of a published section, for routes that start from the section (`/sections/:id/opening`).
 * The row holds no fact, so creating it on first look changes no phase.
 */
export async function findOpeningOfSection(app: AppContext, sectionId: string): Promise<{ openingId: string }> {
  const section = /^[0-9a-f-]{36}$/i.test(sectionId) ? await findSection(app.db, sectionId) : undefined;
  if (!section || !section.published_at || section.cancelled_at) throw new AppError("NOT_FOUND", { what: "section" });
  return { openingId: await ensureOpening(app.db, section.id, app.clock.now()) };
}

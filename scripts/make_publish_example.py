from pathlib import Path
from translate.core.article import Article, IdAllocator, Metadata
from translate.ingest.reader import make_block
from translate.formats.xliff import article_to_xliff

units, segs = IdAllocator("u"), IdAllocator("s")
spec = [
 ("heading-1", "Putin Calls Summit With Biden ‘Quite Constructive’", ['Poutine juge "plutôt constructif" son sommet avec Biden']),
 ("paragraph", "Speaking at a press conference following his summit with President Biden in Geneva, Russian President Vladimir Putin called the talks “quite constructive” and said he and Biden agreed to return their ambassadors to their respective posts in Washington and Moscow. Putin also said he and Biden had reached an agreement to start negotiations on cybersecurity.",
   ["S'exprimant lors d'une conférence de presse à l'issue de son sommet avec le président Biden à Genève, le président russe Vladimir Poutine a qualifié les discussions de “plutôt constructives” et a déclaré que Biden et lui étaient convenus de renvoyer leurs ambassadeurs à leurs postes respectifs à Washington et à Moscou.",
    "Poutine a également déclaré que Biden et lui s'étaient mis d'accord pour entamer des négociations sur la cybersécurité."]),
 ("quote", "“There was no hostility. Quite the contrary,” Putin said of the meeting with Biden.",
   ['"Il n\'y avait aucune hostilité.', 'Bien au contraire", a dit Poutine à propos de sa rencontre avec Biden.']),
 ("heading-2", "Ransomware: the Colonial Pipeline case", ["Rançongiciels: l'affaire Colonial Pipeline"]),
 ("paragraph", "The Atlanta-area company paid about $4.3 million to a Russian criminal group known as DarkSide to get back into operation. Federal officials subsequently said that $2.3 million of the Colonial ransom had been recovered.",
   ["L'entreprise de la région d'Atlanta a versé environ 4.3 millions de dollars à un groupe criminel russe connu sous le nom de DarkSide pour reprendre ses activités.",
    "Les autorités fédérales ont ensuite indiqué que 2.3 millions de dollars de la rançon avaient été récupérés, soit 53% du total."]),
 ("list-item", "Ambassadors return to Washington and Moscow.", ["Retour des ambassadeurs à Washington et à Moscou."]),
 ("list-item", "Talks on cybersecurity will start.", ["Ouverture de négociations sur la cybersécurité."]),
 ("list-item", "A follow-up summit? Not yet.", ["Un nouveau sommet?", "Pas encore."]),
 ("paragraph", "The full transcript is at https://news.example.org/geneva-2021?lang=en from 10:30 GMT.", ["La transcription intégrale est en ligne sur https://news.example.org/geneva-2021?lang=en depuis 10:30 GMT."]),
]
blocks = []
for kind, en, frs in spec:
    b = make_block(kind, en, units, segs)
    assert len(b.segments) == len(frs), (en, [s.source for s in b.segments])
    for s, fr in zip(b.segments, frs):
        s.target, s.mt, s.state, s.origin = fr, None, "final", "human"
    blocks.append(b)
art = Article(slug="geneva-summit", blocks=blocks, metadata=Metadata(title="Putin Calls Summit With Biden ‘Quite Constructive’", author="Newsroom staff", date="2021-06-16", url="https://news.example.org/2021/06/16/geneva-summit/"), source_path=Path("corpus/en/geneva-summit.html"), format="html", source_sha256="0"*64)
Path("docs/examples/geneva-summit.xlf").write_bytes(article_to_xliff(art, {"tool": "translate", "tool-version": "0.1.0"}))
